import { PROGRAM_REGION_NAMES, PROGRAM_REGIONS, type ProgramRegion } from '#domain/roles.ts';
import { type Timers, timersWith } from '#domain/settings.ts';

/**
 * The program regions and where each deploys. Each region is its own stack (`PeerPath-<region>`) with its own
 * table, user pool, topic and state machine; several program regions may share one AWS account and region.
 *
 * Everything here can be set from the environment so that `cdk synth` needs no edits per deployment:
 * - `PEERPATH_ACCOUNT_<REGION>` (else `CDK_DEFAULT_ACCOUNT`; may stay unset for an environment-agnostic synth)
 * - `PEERPATH_AWS_REGION_<REGION>` (a Canadian AWS region; default `ca-central-1`)
 * - `PEERPATH_ALERT_EMAILS_<REGION>` / `PEERPATH_ALERT_SMS_<REGION>` (comma-separated; default none)
 * - `PEERPATH_TIMERS_<REGION>` (JSON of timer overrides in seconds, e.g. `{"triage":86400}`)
 * where `<REGION>` is the program region in upper snake case (`NORTH_SHORE`).
 */

export interface AlertSubscriptions {
  emails: string[];
  /** E.164 phone numbers. */
  sms: string[];
}

export interface RegionConfig {
  region: ProgramRegion;
  displayName: string;
  /** The AWS account the stack deploys to; undefined = environment-agnostic. */
  account: string | undefined;
  awsRegion: string;
  alertSubscriptions: AlertSubscriptions;
  /** Every timer of the state machine and the follow-ups, in seconds. */
  timers: Timers;
}

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

/** The configuration of one program region, read from the environment given (default `process.env`). */
export function regionConfig(region: ProgramRegion, env: Env = process.env): RegionConfig {
  const suffix = envSuffix(region);
  return {
    region,
    displayName: PROGRAM_REGION_NAMES[region],
    account: env[`PEERPATH_ACCOUNT_${suffix}`]?.trim() || env.CDK_DEFAULT_ACCOUNT || undefined,
    awsRegion: awsRegionFor(region, env),
    alertSubscriptions: {
      emails: list(env[`PEERPATH_ALERT_EMAILS_${suffix}`]),
      sms: list(env[`PEERPATH_ALERT_SMS_${suffix}`]),
    },
    timers: timersWith({ ...TIMER_OVERRIDES[region], ...timerOverridesFrom(region, env) }),
  };
}

export function allRegionConfigs(env: Env = process.env): RegionConfig[] {
  return PROGRAM_REGIONS.map((region) => regionConfig(region, env));
}
