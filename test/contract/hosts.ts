import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContractFunction } from './template.ts';

/**
 * One Lambda-like host process per synthesized function (lambda-host.mjs), started lazily on its first
 * invocation. Its environment is only the template's for that function, plus the AWS region, fake
 * credentials whose access key id is the function's logical id (the proxy records the caller by it) and
 * `AWS_ENDPOINT_URL` to the recording proxy. Its stdout and stderr (the handlers' log lines) are kept.
 */

const HOST = fileURLToPath(new URL('./lambda-host.mjs', import.meta.url));

/** A Lambda invocation's error, as Step Functions and API Gateway see it. */
export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Host {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

export class LambdaHosts {
  /** Everything the hosts wrote on stdout and stderr, by function. */
  readonly output = new Map<string, string[]>();
  private readonly hosts = new Map<string, Host>();
  private readonly functions: Map<string, ContractFunction>;
  private nextId = 0;

  constructor(
    functions: readonly ContractFunction[],
    private readonly options: { awsRegion: string; endpoint: string },
  ) {
    this.functions = new Map(functions.map((fn) => [fn.logicalId, fn]));
  }

  /** The environment a host sees: nothing from this process. */
  environmentOf(fn: ContractFunction): Record<string, string> {
    return {
      ...fn.environment,
      AWS_REGION: this.options.awsRegion,
      AWS_DEFAULT_REGION: this.options.awsRegion,
      AWS_ACCESS_KEY_ID: fn.logicalId,
      AWS_SECRET_ACCESS_KEY: 'contract-secret',
      AWS_SESSION_TOKEN: 'contract-session',
      AWS_ENDPOINT_URL: this.options.endpoint,
    };
  }

  private host(logicalId: string): Host {
    const existing = this.hosts.get(logicalId);
    if (existing) return existing;
    const fn = this.functions.get(logicalId);
    if (!fn) throw new Error(`No PeerPath function ${logicalId} in the template`);
    const child = fork(HOST, [fn.bundle, fn.handlerExport, fn.functionName], {
      env: this.environmentOf(fn),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const lines: string[] = [];
    this.output.set(logicalId, lines);
    child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const pending: Host['pending'] = new Map();
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: any) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(new Error(message.message));
        else if (message.type === 'result') {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (message.error)
            waiter?.reject(new LambdaError(message.error.errorType, message.error.errorMessage));
          else waiter?.resolve(message.result);
        }
      });
      child.on('exit', (code) => {
        const error = new Error(`${logicalId} host exited (${code}): ${lines.join('').slice(-500)}`);
        reject(error);
        for (const waiter of pending.values()) waiter.reject(error);
        pending.clear();
        this.hosts.delete(logicalId);
      });
    });
    const host = { child, ready, pending };
    this.hosts.set(logicalId, host);
    return host;
  }

  async invoke(logicalId: string, event: unknown): Promise<unknown> {
    const host = this.host(logicalId);
    await host.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      host.pending.set(id, { resolve, reject });
      host.child.send({ id, event });
    });
  }

  /** The functions that were invoked at least once. */
  invoked(): string[] {
    return [...this.output.keys()];
  }

  async stop(): Promise<void> {
    const children = [...this.hosts.values()].map((h) => h.child);
    this.hosts.clear();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
