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
 * - `PEERPATH_LAMBDA_CONCURRENCY_<REGION>` (reserved concurrency of each function; default 0, none reserved:
 *   new accounts can start with a Lambda concurrency quota far below the 1,000 default, and a reservation
 *   the account cannot hold fails the deploy)
 * - `PEERPATH_LAMBDA_QUOTA` (the Lambda concurrent-executions quota of each account and AWS region the stacks
 *   deploy to; default 1000): the synth fails if the stacks sharing one account and AWS region reserve more
 *   than it leaves (Lambda keeps 100 unreserved)
 * - `PEERPATH_WEB_DOMAIN_<REGION>` / `PEERPATH_WEB_CERTIFICATE_ARN_<REGION>` (a custom domain for the pages
 *   and API, with its ACM certificate in us-east-1; both or neither. With them CloudFront requires
 *   TLSv1.2_2021; without them the default *.cloudfront.net certificate also accepts TLS 1.0 and 1.1)
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
  /** Reserved concurrency of each function; 0 = none reserved (the default). */
  lambdaReservedConcurrency: number;
  /** The Lambda concurrent-executions quota of the account and AWS region the stack deploys to. */
  lambdaConcurrencyQuota: number;
  /** A custom domain for the pages and API (CloudFront, TLSv1.2_2021); undefined = *.cloudfront.net. */
  webDomain: WebDomain | undefined;
  apiThrottle: ApiThrottle;
  /** How often the scheduled reconciler and follow-ups run, in minutes. */
  followUpEveryMinutes: number;
}

export interface WebDomain {
  /** e.g. `vancouver.peerpath.example.org`; point its DNS (CNAME/alias) at the distribution. */
  domainName: string;
  /** An ACM certificate for the domain, in us-east-1 (CloudFront reads certificates only from there). */
  certificateArn: string;
}

/** The CloudFormation stack id of a program region: `cdk deploy PeerPath-vancouver`. */
export const stackIdFor = (region: ProgramRegion): string => `PeerPath-${region}`;

/** None reserved: a reservation the account's concurrency quota cannot hold fails the whole deploy. */
export const DEFAULT_LAMBDA_CONCURRENCY = 0;
/** Lambda's default concurrent-executions quota per account and AWS region (new accounts may have less). */
export const DEFAULT_LAMBDA_QUOTA = 1000;
/** Lambda keeps this much of the quota unreserved: reservations may total the quota minus this. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
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

function webDomainFrom(region: ProgramRegion, env: Env): WebDomain | undefined {
  const suffix = envSuffix(region);
  const domainName = env[`PEERPATH_WEB_DOMAIN_${suffix}`]?.trim();
  const certificateArn = env[`PEERPATH_WEB_CERTIFICATE_ARN_${suffix}`]?.trim();
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn) {
    throw new Error(`PEERPATH_WEB_DOMAIN_${suffix} and PEERPATH_WEB_CERTIFICATE_ARN_${suffix} go together`);
  }
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(`PEERPATH_WEB_CERTIFICATE_ARN_${suffix} must be an ACM certificate ARN in us-east-1`);
  }
  return { domainName, certificateArn };
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
    lambdaConcurrencyQuota: wholeNumber('PEERPATH_LAMBDA_QUOTA', env, DEFAULT_LAMBDA_QUOTA),
    webDomain: webDomainFrom(region, env),
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

/**
 * Reserved concurrency is an account-wide resource: the stacks deploying to one account and AWS region may
 * together reserve at most the quota minus the 100 Lambda keeps unreserved. `functionsPerStack` is how many
 * functions each stack reserves for. Returns one message per (account, AWS region) that does not fit.
 */
export function concurrencyOverruns(
  configs: readonly RegionConfig[],
  functionsPerStack: (config: RegionConfig) => number,
): string[] {
  const groups = new Map<string, { reserved: number; quota: number; regions: string[] }>();
  for (const config of configs) {
    const where = `${config.account ?? '(default account)'}/${config.awsRegion}`;
    const group = groups.get(where) ?? { reserved: 0, quota: config.lambdaConcurrencyQuota, regions: [] };
    group.reserved += config.lambdaReservedConcurrency * functionsPerStack(config);
    group.quota = Math.min(group.quota, config.lambdaConcurrencyQuota);
    group.regions.push(config.region);
    groups.set(where, group);
  }
  return [...groups]
    .filter(([, g]) => g.reserved > 0 && g.reserved > g.quota - LAMBDA_UNRESERVED_MINIMUM)
    .map(
      ([where, g]) =>
        `${where}: ${g.regions.join(', ')} reserve ${g.reserved} concurrent executions; a quota of ` +
        `${g.quota} leaves at most ${g.quota - LAMBDA_UNRESERVED_MINIMUM} (lower PEERPATH_LAMBDA_CONCURRENCY_<REGION> or raise the quota and PEERPATH_LAMBDA_QUOTA)`,
    );
}
