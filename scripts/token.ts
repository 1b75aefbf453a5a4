import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PROGRAM_REGIONS, type ProgramRegion, ROLES, type Role } from '#domain/roles.ts';
import { demoStaffId, demoWorkerId } from '../local/demo-roster.ts';
import { DEFAULT_TOKEN_TTL_SECONDS, loadLocalJwt, localSubFor } from '../local/jwt.ts';

/**
 * `npm run -s token -- --role <role> --region <region> [--sub <id>] [--email <email>]`
 * prints a bare local JWT (12 h) on stdout, signed with the key under `.data/` that the local gateway
 * verifies with (`--data-dir` or `PEERPATH_DATA_DIR` for another data directory, as for `npm start`).
 * Without `--sub`, the `defaultSub` hook names the account; the command line wires `demoAccountSub`: the
 * region's first demo worker for `peer-worker`, the region's demo staff account otherwise, i.e. the
 * accounts `npm start` seeds. Without a hook staff fall back to a stable local id, and a peer worker is an
 * error, since a token for a worker who does not exist could do nothing.
 */

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface TokenCliOptions {
  /** Where the key lives (default `<project>/.data`, or `--data-dir`). */
  dataDir?: string;
  defaultSub?: (role: Role, region: ProgramRegion) => Promise<string | undefined> | string | undefined;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

const USAGE =
  'Usage: npm run -s token -- --role <clinician|coordinator|peer-worker|admin> ' +
  '--region <vancouver|north-shore|richmond|sea-to-sky> [--sub <id>] [--email <email>] [--data-dir <dir>]';

/** Runs the CLI; returns the exit code. */
export async function runTokenCli(argv: readonly string[], options: TokenCliOptions = {}): Promise<number> {
  const out = options.stdout ?? ((text: string) => process.stdout.write(text));
  const err = options.stderr ?? ((text: string) => process.stderr.write(text));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        role: { type: 'string' },
        region: { type: 'string' },
        sub: { type: 'string' },
        email: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    out(`${USAGE}\n`);
    return 0;
  }
  const role = values.role as Role | undefined;
  const region = values.region as ProgramRegion | undefined;
  if (!role || !(ROLES as readonly string[]).includes(role)) {
    err(`--role must be one of ${ROLES.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  if (!region || !(PROGRAM_REGIONS as readonly string[]).includes(region)) {
    err(`--region must be one of ${PROGRAM_REGIONS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const given = typeof values.sub === 'string' ? values.sub : undefined;
  if (given !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(given)) {
    err('--sub must be an id (letters, digits, - and _)\n');
    return 2;
  }
  const sub =
    given ??
    (await options.defaultSub?.(role, region)) ??
    (role === 'peer-worker' ? undefined : localSubFor(role, region));
  if (!sub) {
    err(`No demo worker is known for ${region}: pass --sub <workerId>\n`);
    return 2;
  }
  const dataDir =
    (values['data-dir'] as string | undefined) ?? options.dataDir ?? resolve(PROJECT_ROOT, '.data');
  const jwt = await loadLocalJwt({ dataDir });
  const email = typeof values.email === 'string' ? values.email : undefined;
  const token = await jwt.signToken({
    sub,
    role,
    region,
    ttlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    ...(email ? { email } : {}),
  });
  out(`${token}\n`);
  return 0;
}

/**
 * The accounts `npm start` seeds: a peer worker is the region's first demo worker, staff are the region's
 * demo clinician, coordinator and admin (the same ids the start banner's tokens carry).
 */
export function demoAccountSub(role: Role, region: ProgramRegion): string {
  return role === 'peer-worker' ? demoWorkerId(region, 0) : demoStaffId(region, role);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runTokenCli(process.argv.slice(2), {
    defaultSub: demoAccountSub,
    ...(process.env.PEERPATH_DATA_DIR ? { dataDir: resolve(process.env.PEERPATH_DATA_DIR) } : {}),
  });
}
