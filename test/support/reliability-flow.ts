import { randomUUID } from 'node:crypto';
import { Stage } from '#domain/lifecycle.ts';
import type { ReferralForm } from '#domain/referral.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import type { WorkerForm } from '#domain/worker.ts';
import { programDate, referralForm } from './fixtures.ts';

/**
 * Driving referrals through the API over HTTP, shared by the reliability suite (through `startTestApi`)
 * and the benchmarks (through their own HTTP client). No vitest import here: the bench runs outside vitest.
 */

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface FlowCaller {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>>;
}

/** What `startTestApi()` returns satisfies this; so does the bench's client. */
export interface FlowApi {
  as(role: Role, region?: ProgramRegion, sub?: string): FlowCaller;
}

// The referral form and program dates are shared with the data tests: test/support/fixtures.ts.
export { type FormOptions, programDate, referralForm } from './fixtures.ts';

/** A valid worker profile (the bench's workers get room for many clients). */
export function workerForm(overrides: Partial<WorkerForm> = {}): WorkerForm {
  const tag = randomUUID().slice(0, 8);
  return {
    firstName: 'Robin',
    lastName: `Worker-${tag}`,
    email: `robin-${tag}@example.org`,
    phone: '604-555-0199',
    gender: 'NON_BINARY',
    languages: ['English'],
    livedExperience: ['MOOD'],
    neighbourhoods: ['Kitsilano'],
    availability: [{ day: 'TUE', part: 'AFTERNOON' }],
    maxCaseload: 30,
    active: true,
    ...overrides,
  };
}

/**
 * A valid session body for today. Short, so that the many referrals one worker carries in a run stay under
 * the day's cap on paid minutes (`maxPaidMinutesPerDay`).
 */
export const sessionBody = (text?: string, debriefNeeded = false) => ({
  date: programDate(0),
  mode: 'WALK',
  minutes: 5,
  ...(text ? { note: text } : {}),
  debriefNeeded,
});

/** Every stage a referral can rest in, and the route that gets it there from the previous one. */
export const RESTING_STAGES: readonly Stage[] = [
  Stage.REFERRED,
  Stage.AWAITING_MATCH,
  Stage.GOAL_SETTING,
  Stage.IN_SESSIONS,
  Stage.ON_HOLD,
  Stage.GOALS_ACHIEVED,
  Stage.CLOSED,
  Stage.DECLINED,
];

export interface Driver {
  api: FlowApi;
  region: ProgramRegion;
  /** Resolves once the state machine waits in `stage` (its token stored); optional (tests may skip it). */
  waitingIn?: (referralId: string, stage: Stage) => Promise<void>;
  /** Text for free-text fields (the PHI canary), when set. */
  text?: string;
}

export class FlowError extends Error {
  constructor(step: string, reply: Reply) {
    super(`${step} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
    this.name = 'FlowError';
  }
}

function expectStatus(step: string, reply: Reply, ...statuses: number[]): Reply {
  if (!statuses.includes(reply.status)) throw new FlowError(step, reply);
  return reply;
}

export interface DrivenReferral {
  id: string;
  stage: Stage;
  workerId?: string;
  goalIds: string[];
  sessionIds: string[];
}

/**
 * Submits a referral as the region's demo clinician and drives it to `stage` through the API, waiting for
 * the state machine before each transition when `waitingIn` is given. GOAL_SETTING and later need `workerId`.
 */
export async function driveReferral(
  driver: Driver,
  stage: Stage,
  options: { workerId?: string; form?: ReferralForm } = {},
): Promise<DrivenReferral> {
  const { api, region, text } = driver;
  const clinician = api.as(Role.CLINICIAN, region);
  const coordinator = api.as(Role.COORDINATOR, region);
  const submitted = expectStatus(
    'submit',
    await clinician.post('/referrals', options.form ?? referralForm(region, text ? { text } : {})),
    201,
  );
  const id = String(submitted.body.id);
  const out: DrivenReferral = { id, stage: Stage.REFERRED, goalIds: [], sessionIds: [] };
  const step = async (from: Stage, name: string, send: () => Promise<Reply>, to: Stage) => {
    await driver.waitingIn?.(id, from);
    expectStatus(name, await send(), 200);
    out.stage = to;
  };
  if (stage === Stage.REFERRED) return out;
  if (stage === Stage.DECLINED) {
    await step(
      Stage.REFERRED,
      'decline',
      () =>
        coordinator.post(`/referrals/${id}/decline`, {
          reason: 'INELIGIBLE',
          summary: text ?? 'Not eligible',
        }),
      Stage.DECLINED,
    );
    return out;
  }
  if (stage === Stage.CLOSED && !options.workerId) {
    await step(
      Stage.REFERRED,
      'close',
      () => coordinator.post(`/referrals/${id}/close`, { reason: 'OTHER', summary: text ?? 'Closed early' }),
      Stage.CLOSED,
    );
    return out;
  }
  await step(
    Stage.REFERRED,
    'accept',
    () => coordinator.post(`/referrals/${id}/accept`),
    Stage.AWAITING_MATCH,
  );
  if (stage === Stage.AWAITING_MATCH) return out;
  const workerId = options.workerId;
  if (!workerId) throw new Error(`driveReferral: ${stage} needs a workerId`);
  await step(
    Stage.AWAITING_MATCH,
    'match',
    () => coordinator.post(`/referrals/${id}/match`, { workerId }),
    Stage.GOAL_SETTING,
  );
  out.workerId = workerId;
  if (stage === Stage.GOAL_SETTING) return out;
  const worker = api.as(Role.PEER_WORKER, region, workerId);
  await driver.waitingIn?.(id, Stage.GOAL_SETTING);
  const goals = expectStatus(
    'setGoals',
    await worker.post(`/referrals/${id}/goals`, { goals: [{ title: text ?? 'Walk to the park' }] }),
    200,
  );
  out.stage = Stage.IN_SESSIONS;
  out.goalIds = ((goals.body.goals ?? []) as { id: string }[]).map((goal) => goal.id);
  const session = expectStatus(
    'logSession',
    await worker.post(`/referrals/${id}/sessions`, sessionBody(text)),
    201,
  );
  out.sessionIds.push(String(session.body.id));
  if (stage === Stage.IN_SESSIONS) return out;
  if (stage === Stage.ON_HOLD) {
    await step(
      Stage.IN_SESSIONS,
      'hold',
      () => worker.post(`/referrals/${id}/hold`, { reason: text ?? 'Travelling' }),
      Stage.ON_HOLD,
    );
    return out;
  }
  await step(
    Stage.IN_SESSIONS,
    'goalsAchieved',
    () => worker.post(`/referrals/${id}/goals-achieved`),
    Stage.GOALS_ACHIEVED,
  );
  if (stage === Stage.GOALS_ACHIEVED) return out;
  await step(
    Stage.GOALS_ACHIEVED,
    'close',
    () => coordinator.post(`/referrals/${id}/close`, { reason: 'GOALS_MET', summary: text ?? 'Goals met' }),
    Stage.CLOSED,
  );
  return out;
}
