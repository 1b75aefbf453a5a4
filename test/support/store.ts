import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDocumentClient, type StoreRequest } from '#data/client.ts';
import type { Actor } from '#data/events.ts';
import { createReferral } from '#data/referrals/create.ts';
import { type TransitionInput, transition } from '#data/referrals/transition.ts';
import type { Store } from '#data/store.ts';
import { ensureTable } from '#data/table.ts';
import { createWorker } from '#data/workers.ts';
import { type LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import type { Referral, ReferralInput } from '#domain/referral.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { type Worker, type WorkerForm, type WorkerInput, WorkerInputSchema } from '#domain/worker.ts';
import { referralInput } from './fixtures.ts';

/** One fixed HMAC key for every region of the test stores (a real deployment's key is secret). */
export const TEST_SECRET_KEYS = { regionKey: async () => new Uint8Array(32).fill(7) };

export interface TestStore extends Store {
  /** Every DynamoDB operation this store sent, in order (clear it with `requests.length = 0`). */
  requests: StoreRequest[];
  /** Fix the clock (`undefined` returns to real time). */
  setNow(date: Date | undefined): void;
}

/**
 * A store on its own fresh table in the DynamoDB Local that globalSetup started (`t-<uuid>`), so test
 * files and tests never see each other's items.
 */
export async function makeTestStore(region: ProgramRegion = 'vancouver'): Promise<TestStore> {
  const requests: StoreRequest[] = [];
  const doc = createDocumentClient({
    endpoint: inject('dynamoEndpoint'),
    onRequest: (request) => requests.push(request),
  });
  const tableName = `t-${randomUUID()}`;
  await ensureTable(doc, tableName);
  requests.length = 0;
  let fixed: Date | undefined;
  return {
    doc,
    tableName,
    region,
    now: () => (fixed ? new Date(fixed) : new Date()),
    secrets: TEST_SECRET_KEYS,
    requests,
    setNow: (date) => {
      fixed = date;
    },
  };
}

// One referral builder for the tests and the bench: test/support/fixtures.ts.
export { programDate as localDate, referralInput } from './fixtures.ts';

/** A complete, valid worker profile (parsed by the real schema). */
export function workerInput(overrides: Partial<WorkerForm> = {}): WorkerInput {
  return WorkerInputSchema.parse({
    firstName: 'Sam',
    lastName: 'Worker',
    email: 'sam@example.org',
    phone: '604-555-0199',
    gender: 'NON_BINARY',
    languages: ['English'],
    livedExperience: ['MOOD'],
    maxCaseload: 5,
    active: true,
    ...overrides,
  } satisfies WorkerForm);
}

// ---------------------------------------------------------------------------------------------------------
// Seeding through the real repositories
// ---------------------------------------------------------------------------------------------------------

export const actors = {
  clinician: { sub: 'clinician-1', role: Role.CLINICIAN } as Actor,
  coordinator: { sub: 'coordinator-1', role: Role.COORDINATOR } as Actor,
  worker: (sub: string): Actor => ({ sub, role: Role.PEER_WORKER }),
};

export async function seedWorker(
  store: Store,
  overrides: Partial<WorkerForm> = {},
  id: string = `w-${randomUUID()}`,
): Promise<Worker> {
  return createWorker(store, { id, input: workerInput(overrides), actor: actors.coordinator });
}

/**
 * A referral driven through the real transitions to `stage` (GOAL_SETTING and later need `workerId`).
 * CLOSED is reached by closing from REFERRED unless a worker is given.
 */
export async function seedReferral(
  store: Store,
  options: { stage?: Stage; workerId?: string; details?: ReferralInput; referrerSub?: string } = {},
): Promise<Referral> {
  const referrerSub = options.referrerSub ?? actors.clinician.sub;
  let referral = await createReferral(store, {
    details: options.details ?? referralInput({}, store.region),
    referrerSub,
  });
  const target = options.stage ?? Stage.REFERRED;
  const step = async (
    event: LifecycleEvent,
    extra: Partial<TransitionInput> = {},
    actor: Actor = actors.coordinator,
  ) => {
    referral = (
      await transition(store, { referralId: referral.id, event, actor, ...extra } as TransitionInput)
    ).referral;
  };
  if (target === Stage.REFERRED) return referral;
  if (target === Stage.DECLINED) {
    await step('decline', { reason: 'INELIGIBLE', summary: 'Outside the program criteria' });
    return referral;
  }
  if (target === Stage.CLOSED && !options.workerId) {
    await step('close', { reason: 'OTHER', summary: 'Closed before triage' });
    return referral;
  }
  await step('accept');
  if (target === Stage.AWAITING_MATCH) return referral;
  const workerId = options.workerId;
  if (!workerId) throw new Error(`seedReferral: ${target} needs a workerId`);
  await step('match', { workerId });
  if (target === Stage.GOAL_SETTING) return referral;
  await step('setGoals', { goals: [{ title: 'Walk to the park' }] }, actors.worker(workerId));
  if (target === Stage.IN_SESSIONS) return referral;
  if (target === Stage.ON_HOLD) {
    await step('hold', { reason: 'Travelling' });
    return referral;
  }
  await step('goalsAchieved', {}, actors.worker(workerId));
  if (target === Stage.GOALS_ACHIEVED) return referral;
  await step('close', { reason: 'GOALS_MET', summary: 'Goals met' });
  return referral;
}
