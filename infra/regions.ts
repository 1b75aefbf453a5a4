import { PROGRAM_REGION_NAMES, PROGRAM_REGIONS, type ProgramRegion } from '#domain/roles.ts';
import { type Timers, timersWith } from '#domain/settings.ts';

/**
 * The program regions and where each deploys. Each region is its own stack (`PeerPath-<region>`) with its own
 * table, user pool, topic and state machine; several program regions may share one AWS account and region.
 *
 * Everything here can be set from the environment so that `cdk synth` needs no edits per deployment:
 * - `PEERPATH_ACCOUNT_<REGION>` (else `CDK_DEFAULT_ACCOUNT`; may stay unset for an environment-agnostic synth)
 * - `PEERPATH_AWS_REGION_<REGION>` (a Canadian AWS region; default `ca-central-1`)
 * - `PEERPATH_MAIL_FROM_<REGION>` (the SES-verified sender of alert emails, e.g. `PeerPath <alerts@example.org>`;
 *   unset: email deliveries are marked SUPPRESSED and the synth warns). People's own addresses and phone
 *   numbers come from the user pool, never from here.
 * - `PEERPATH_TIMERS_<REGION>` (JSON of timer overrides in seconds, e.g. `{"triage":86400}`)
 * - `PEERPATH_OPS_EMAILS_<REGION>` (comma-separated; who gets the operational alarms; default none)
 * - `PEERPATH_COGNITO_DOMAIN_<REGION>` (the hosted sign-in domain prefix; default
 *   `peerpath-<region>-<account id>`, globally unique because the account id is)
 * - `PEERPATH_LAMBDA_CONCURRENCY_<REGION>` (reserved concurrency of each function; default 10; `0` reserves
 *   none, for accounts whose Lambda concurrency quota is still the new-account minimum)
 * - `PEERPATH_API_RATE_<REGION>` / `PEERPATH_API_BURST_<REGION>` (API throttling; default 50 rps, burst 100)
 * where `<REGION>` is the program region in upper snake case (`NORTH_SHORE`).
 */

export interface ApiThrottle {
  /** Steady-state requests per second for the region's API. */
  rateLimit: number;
  burstLimit: number;
}

export interface RegionConfig {
  region: ProgramRegion;
  displayName: string;
  /** The AWS account the stack deploys to; undefined = environment-agnostic. */
  account: string | undefined;
  awsRegion: string;
  /** The verified SES sender of alert emails; undefined = email deliveries are SUPPRESSED. */
  mailFrom: string | undefined;
  /** Email addresses that receive the operational alarms (API 5xx, Lambda errors, failed executions, DLQs). */
  opsEmails: string[];
  /** Every timer of the state machine and the follow-ups, in seconds. */
  timers: Timers;
  /** The Cognito hosted sign-in domain prefix; undefined = `peerpath-<region>-<account id>` at deploy. */
  cognitoDomainPrefix: string | undefined;
  /** Reserved concurrency of each function; 0 = none reserved. */
  lambdaReservedConcurrency: number;
  apiThrottle: ApiThrottle;
  /** How often the scheduled reconciler and follow-ups run, in minutes. */
  followUpEveryMinutes: number;
}

/** The CloudFormation stack id of a program region: `cdk deploy PeerPath-vancouver`. */
export const stackIdFor = (region: ProgramRegion): string => `PeerPath-${region}`;

export const DEFAULT_LAMBDA_CONCURRENCY = 10;
export const DEFAULT_API_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };
export const FOLLOW_UP_EVERY_MINUTES = 15;

/** Data residency: the program's health data stays in Canadian AWS regions. */
export const CANADIAN_AWS_REGIONS = ['ca-central-1', 'ca-west-1'] as const;
export const DEFAULT_AWS_REGION = 'ca-central-1';

/** Per-region timer changes agreed with each program (seconds). Empty: the program defaults apply. */
const TIMER_OVERRIDES: Record<ProgramRegion, Partial<Timers>> = {
  vancouver: {},
  'north-shore': {},
  richmond: {},
  'sea-to-sky': {},
};

type Env = Readonly<Record<string, string | undefined>>;

export function envSuffix(region: ProgramRegion): string {
  return region.toUpperCase().replace(/-/g, '_');
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function awsRegionFor(region: ProgramRegion, env: Env): string {
  const name = `PEERPATH_AWS_REGION_${envSuffix(region)}`;
  const awsRegion = env[name]?.trim() || DEFAULT_AWS_REGION;
  if (!(CANADIAN_AWS_REGIONS as readonly string[]).includes(awsRegion)) {
    throw new Error(`${name} must be a Canadian AWS region (${CANADIAN_AWS_REGIONS.join(', ')})`);
  }
  return awsRegion;
}

function timerOverridesFrom(region: ProgramRegion, env: Env): Partial<Timers> {
  const name = `PEERPATH_TIMERS_${envSuffix(region)}`;
  const raw = env[name];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Partial<Timers>;
  } catch (error) {
    throw new Error(`${name} must be a JSON object of timer lengths in seconds`, { cause: error });
  }
}

function wholeNumber(name: string, env: Env, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 or more)`);
  return value;
}

/** `alerts@example.org` or `PeerPath <alerts@example.org>`: one address, no list. */
function mailFromOf(region: ProgramRegion, env: Env): string | undefined {
  const name = `PEERPATH_MAIL_FROM_${envSuffix(region)}`;
  const from = env[name]?.trim();
  if (!from) return undefined;
  if (!/^(?:[^<>,@]*<[^\s<>,@]+@[^\s<>,@]+\.[^\s<>,@]+>|[^\s<>,@]+@[^\s<>,@]+\.[^\s<>,@]+)$/.test(from)) {
    throw new Error(`${name} must be one email address (optionally with a name: Name <address>)`);
  }
  return from;
}

/** The address of a sender (`Name <a@b>` → `a@b`). */
export function mailFromAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/** Cognito domain prefixes: lower-case letters, digits and hyphens, and never the words AWS reserves. */
function domainPrefixFrom(region: ProgramRegion, env: Env): string | undefined {
  const name = `PEERPATH_COGNITO_DOMAIN_${envSuffix(region)}`;
  const prefix = env[name]?.trim();
  if (!prefix) return undefined;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(`${name} must be lower-case letters, digits and hyphens, without aws/amazon/cognito`);
  }
  return prefix;
}

/** The configuration of one program region, read from the environment given (default `process.env`). */
export function regionConfig(region: ProgramRegion, env: Env = process.env): RegionConfig {
  const suffix = envSuffix(region);
  return {
    region,
    displayName: PROGRAM_REGION_NAMES[region],
    account: env[`PEERPATH_ACCOUNT_${suffix}`]?.trim() || env.CDK_DEFAULT_ACCOUNT || undefined,
    awsRegion: awsRegionFor(region, env),
    mailFrom: mailFromOf(region, env),
    opsEmails: list(env[`PEERPATH_OPS_EMAILS_${suffix}`]),
    timers: timersWith({ ...TIMER_OVERRIDES[region], ...timerOverridesFrom(region, env) }),
    cognitoDomainPrefix: domainPrefixFrom(region, env),
    lambdaReservedConcurrency: wholeNumber(
      `PEERPATH_LAMBDA_CONCURRENCY_${suffix}`,
      env,
      DEFAULT_LAMBDA_CONCURRENCY,
    ),
    apiThrottle: {
      rateLimit: wholeNumber(`PEERPATH_API_RATE_${suffix}`, env, DEFAULT_API_THROTTLE.rateLimit),
      burstLimit: wholeNumber(`PEERPATH_API_BURST_${suffix}`, env, DEFAULT_API_THROTTLE.burstLimit),
    },
    followUpEveryMinutes: FOLLOW_UP_EVERY_MINUTES,
  };
}

export function allRegionConfigs(env: Env = process.env): RegionConfig[] {
  return PROGRAM_REGIONS.map((region) => regionConfig(region, env));
}
