import type { ProgramRegion } from '#domain/roles.ts';
import type { LocalStack } from './stack.ts';
import { shown } from './start-output.ts';

/** What `npm start` prints once ready: the URLs, a token per role, a first request to try, where things are. */

const SHOWN_REGION: ProgramRegion = 'vancouver';

export async function banner(input: {
  stack: LocalStack;
  seconds: number;
  dataDir: string;
  logFile: string;
  requestedPort: number;
  demo: boolean;
  pages: string;
}): Promise<string> {
  const { stack, dataDir } = input;
  const url = stack.url;
  const lines: string[] = [];
  lines.push(
    `PeerPath is ready in ${input.seconds.toFixed(1)} s  (local: nothing leaves this machine; use invented data only)`,
  );
  if (input.requestedPort !== 0 && stack.port !== input.requestedPort) {
    lines.push(`Port ${input.requestedPort} was busy, so PeerPath took ${stack.port}.`);
  }
  lines.push('');
  const pagesNote = input.pages === 'fresh' || input.pages === 'built' ? '' : `  (no pages: ${input.pages})`;
  lines.push(`  Pages      ${url}/${pagesNote}`);
  lines.push(`  API        ${url}/<region>   regions: ${stack.regions.join(', ')}`);
  lines.push(`             e.g. ${url}/${SHOWN_REGION}/referrals`);
  lines.push(`  API docs   ${url}/docs`);
  lines.push(`  OpenAPI    ${url}/openapi.json`);
  lines.push(`  Health     ${url}/health`);
  lines.push('');
  const { ROLES, Role } = await import('#domain/roles.ts');
  const region = stack.regions.includes(SHOWN_REGION) ? SHOWN_REGION : (stack.regions[0] as ProgramRegion);
  const roles = ROLES.filter((role) => input.demo || role !== Role.PEER_WORKER);
  lines.push(
    `Bearer tokens for ${region} (${input.demo ? 'the demo accounts' : 'local staff accounts'}; valid 12 h):`,
  );
  const tokens = new Map<string, string>();
  for (const role of roles) {
    const token = await stack.tokenFor(role, region);
    tokens.set(role, token);
    lines.push(`  ${role.padEnd(12)} ${token}`);
  }
  if (!input.demo)
    lines.push(
      '  peer-worker  (no demo roster: add a worker, then `npm run -s token -- --role peer-worker --region <region> --sub <worker id>`)',
    );
  lines.push(`  Another role or region:  npm run -s token -- --role coordinator --region richmond`);
  lines.push('');
  lines.push('Try it (lists the referrals the coordinator sees; changes nothing):');
  lines.push(
    `  curl -s -H "Authorization: Bearer ${tokens.get(Role.COORDINATOR)}" ${url}/${region}/referrals`,
  );
  lines.push('');
  lines.push(`Data   ${shown(dataDir)}  (kept between runs; stop PeerPath and delete it to start afresh)`);
  lines.push(`Logs   ${shown(input.logFile)}  (alerts and errors are also shown below)`);
  lines.push('Ctrl-C stops PeerPath, DynamoDB Local included.');
  lines.push('');
  return lines.join('\n');
}
