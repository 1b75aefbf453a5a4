// A Lambda-like host for one synthesized bundle: loads `index.mjs` once (the init phase), then serves the
// invocations its parent sends over IPC, one event in, one result (or error) out. Plain JavaScript: it runs
// in a bare Node process whose environment is only what the template gives the function (plus AWS_REGION,
// fake credentials and AWS_ENDPOINT_URL), as on Lambda.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [bundle, exportName, functionName] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const handler = module[exportName];
if (typeof handler !== 'function') {
  process.send({ type: 'init-error', message: `${bundle} exports no function ${exportName}` });
  process.exit(1);
}
process.send({ type: 'ready', initMs: performance.now() - started });

process.on('message', async ({ id, event, timeoutMs }) => {
  const deadline = Date.now() + (timeoutMs ?? 30_000);
  const context = {
    functionName,
    functionVersion: '$LATEST',
    awsRequestId: randomUUID(),
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'contract',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({
      type: 'result',
      id,
      error: { errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) },
    });
  }
});
