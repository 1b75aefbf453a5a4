import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '#api/openapi.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

/**
 * The document's examples, sent as they are to the running local API (handlers behind the local gateway on
 * DynamoDB Local), each answered 2xx. Only what an example cannot know is substituted: the ids of what was
 * created first (a worker, a referral, a goal…), the `version` as read, and a real `nextToken`.
 */

// biome-ignore lint/suspicious/noExplicitAny: plain JSON read field by field
type Json = any;

let api: TestApi;
let document: OpenApiDocument;
const region = 'vancouver';

beforeAll(async () => {
  api = await startTestApi();
  document = (await api.call<OpenApiDocument>({ method: 'GET', path: `/${region}/openapi.json` })).body;
});

afterAll(async () => {
  await api?.stop();
});

interface Operation {
  path: string;
  method: string;
  op: Json;
}

function operation(id: string): Operation {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      if (op.operationId === id) return { path, method: method.toUpperCase(), op };
    }
  }
  throw new Error(`No operation ${id} in the document`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const merge = (base: unknown, over: unknown): unknown =>
  isObject(base) && isObject(over)
    ? Object.fromEntries(
        [...new Set([...Object.keys(base), ...Object.keys(over)])].map((key) => [
          key,
          key in over ? merge(base[key], over[key]) : base[key],
        ]),
      )
    : over;

interface Send {
  /** Path parameters to substitute for the examples (ids of what was created first). */
  params?: Record<string, string>;
  /** Query parameters to substitute (`nextToken`), or `undefined` to leave one out. */
  query?: Record<string, string | undefined>;
  /** Merged into the body example (`version` as read, the id of a worker). */
  body?: Json;
  headers?: Record<string, string>;
  /** The caller: the first role the document names, unless this is a worker's sub. */
  workerSub?: string;
}

const sent = new Set<string>();

/** Sends operation `id` built from the document's examples; expects a 2xx and returns the body. */
async function send(id: string, options: Send = {}): Promise<Json> {
  const { path, method, op } = operation(id);
  const parameters = op.parameters as Json[];
  let url = path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const p of parameters) {
    expect(p.example, `${id} ${p.name} has an example`).toBeDefined();
    if (p.in === 'path') url = url.replace(`{${p.name}}`, options.params?.[p.name] ?? String(p.example));
    if (p.in === 'query') {
      const value = options.query && p.name in options.query ? options.query[p.name] : String(p.example);
      if (value !== undefined) query.set(p.name, value);
    }
    if (p.in === 'header') headers[p.name] = String(p.example);
  }
  const example = op.requestBody?.content['application/json'].example;
  const body = op.requestBody ? merge(example, options.body ?? {}) : undefined;
  const roles = op['x-peerpath-roles'] as string[];
  const token = roles.includes('anyone')
    ? undefined
    : await api.tokenFor(
        options.workerSub ? 'peer-worker' : (roles[0] as Json),
        region,
        ...(options.workerSub ? [options.workerSub] : []),
      );
  const result = await api.call<Json>({
    method,
    path: `/${region}${url}${query.size ? `?${query}` : ''}`,
    ...(token ? { token } : {}),
    ...(body !== undefined ? { body } : {}),
    headers: { ...headers, ...options.headers },
  });
  expect(result.status, `${id}: ${JSON.stringify(result.body)}`).toBeGreaterThanOrEqual(200);
  expect(result.status, `${id}: ${JSON.stringify(result.body)}`).toBeLessThan(300);
  sent.add(id);
  return result.body;
}

/** A real `nextToken` for a list (a page of one), or `undefined` when there is no second page. */
async function nextTokenOf(id: string, options: Send = {}): Promise<string | undefined> {
  const page = await send(id, { ...options, query: { ...options.query, limit: '1', nextToken: undefined } });
  return page.nextToken;
}

describe('the examples in the OpenAPI document', { timeout: 120_000 }, () => {
  it('are each accepted by the running API, from submission to closure', async () => {
    // The roster and accounts
    const first = await send('createWorker');
    const second = await send('createWorker', {
      body: { email: 'sam.second@example.org', lastName: 'Second' },
    });
    await send('listWorkers', { query: { nextToken: await nextTokenOf('listWorkers') } });
    await send('getWorker', { params: { id: first.id } });
    const worker = await send('getWorker', { params: { id: second.id } });
    await send('correctWorker', { params: { id: second.id }, body: { version: worker.version } });
    await send('createUser');
    await send('listUsers');

    // Three referrals: one walked to closure, one declined, one withdrawn
    const referral = await send('submitReferral');
    const declined = await send('submitReferral', {
      body: { client: { familyName: 'Declined' } },
      headers: { 'Idempotency-Key': 'example-declined' },
    });
    const withdrawn = await send('submitReferral', {
      body: { client: { familyName: 'Withdrawn' } },
      headers: { 'Idempotency-Key': 'example-withdrawn' },
    });
    await send('listReferrals', {
      query: {
        stage: 'REFERRED',
        nextToken: await nextTokenOf('listReferrals', { query: { stage: 'REFERRED' } }),
      },
    });
    const read = await send('getReferral', { params: { id: referral.id } });
    await send('correctReferral', { params: { id: referral.id }, body: { version: read.version } });
    const history = { params: { id: referral.id } };
    await send('referralHistory', {
      ...history,
      query: { nextToken: await nextTokenOf('referralHistory', history) },
    });
    await send('declineReferral', { params: { id: declined.id } });
    await send('withdrawReferral', { params: { id: withdrawn.id } });

    // Triage, matching and the work together
    await send('acceptReferral', { params: { id: referral.id } });
    await send('listReferrals', { query: { nextToken: undefined } });
    await send('referralCandidates', { params: { id: referral.id } });
    await send('matchReferral', { params: { id: referral.id }, body: { workerId: first.id } });
    const asWorker = { workerSub: first.id };
    const withGoals = await send('setGoals', { params: { id: referral.id }, ...asWorker });
    const goalId = (withGoals.goals ?? (await send('getReferral', { params: { id: referral.id } })).goals)[0]
      .id;
    await send('rateGoal', { params: { id: referral.id, goalId }, ...asWorker });
    const session = await send('logSession', { params: { id: referral.id }, ...asWorker });
    await send('correctSession', {
      params: { id: referral.id, sessionId: session.id },
      body: { version: session.version },
      ...asWorker,
    });
    await send('logSession', { params: { id: referral.id }, body: { debriefNeeded: true }, ...asWorker });
    await send('raiseConcern', { params: { id: referral.id }, ...asWorker });

    // Groups and community resources, while the referral is open
    const group = await send('createGroup', { body: { facilitators: [first.id] } });
    const noPage = { query: { nextToken: undefined } };
    await send('listGroups', noPage);
    await send('getGroup', { params: { id: group.id } });
    await send('correctGroup', { params: { id: group.id }, body: { version: group.version } });
    await send('addGroupMember', { params: { id: group.id }, body: { referralId: referral.id } });
    const meeting = await send('logMeeting', {
      params: { id: group.id },
      body: { facilitators: [first.id], attendance: [{ referralId: referral.id, present: true }] },
    });
    await send('listMeetings', { params: { id: group.id }, ...noPage });
    await send('correctMeeting', {
      params: { id: group.id, meetingId: meeting.id },
      body: { version: meeting.version },
    });
    const resource = await send('createResource');
    await send('listResources', noPage);
    await send('getResource', { params: { id: resource.id } });
    await send('correctResource', { params: { id: resource.id }, body: { version: resource.version } });
    const link = await send('createLink', {
      params: { id: referral.id },
      body: { resourceId: resource.id, goalId },
    });
    await send('moveLink', { params: { id: referral.id, linkId: link.id } });
    await send('referralCommunity', { params: { id: referral.id }, ...asWorker });
    await send('removeGroupMember', { params: { id: group.id, referralId: referral.id } });

    // A worker's training, contract, time and supervision
    const ofWorker = { params: { id: first.id } };
    await send('addTrainingRecord', ofWorker);
    await send('listTrainingRecords', ofWorker);
    await send('putContract', ofWorker);
    await send('getContract', ofWorker);
    await send('logTime', ofWorker);
    await send('logSupervision', ofWorker);
    await send('listSupervision', { ...ofWorker, ...noPage });

    // Search, preferences
    await send('searchReferrals', noPage);
    await send('getNotificationPreferences');
    await send('putNotificationPreferences');

    // Supervision and alerts
    await send('logSession', { params: { id: referral.id }, body: { debriefNeeded: true }, ...asWorker });
    const debriefs = await send('listDebriefs', { query: { nextToken: await nextTokenOf('listDebriefs') } });
    await send('completeDebrief', {
      params: {
        id: (debriefs.items[0] ?? (await send('listDebriefs', { query: { nextToken: undefined } })).items[0])
          .id,
      },
    });
    const alerts = await send('listAlerts', { query: { nextToken: await nextTokenOf('listAlerts') } });
    await send('acknowledgeAlert', {
      params: {
        id: (alerts.items[0] ?? (await send('listAlerts', { query: { nextToken: undefined } })).items[0]).id,
      },
    });

    // To closure, and a re-referral
    await send('reassignReferral', { params: { id: referral.id }, body: { workerId: second.id } });
    await send('holdReferral', { params: { id: referral.id } });
    await send('resumeReferral', { params: { id: referral.id } });
    await send('goalsAchieved', { params: { id: referral.id }, workerSub: second.id });
    await send('closeReferral', { params: { id: referral.id } });
    await send('rereferReferral', { params: { id: referral.id } });

    // The rest
    await send('reportSummary');
    await send('exportSummary');
    await send('exportPaidTime');
    await send('exportReferrals');
    await send('acknowledgeAlerts');
    await send('health');
    await send('openapi');
    await send('docs');

    // Every operation in the document was sent
    const all = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, Json>).map((op) => op.operationId as string),
    );
    expect([...sent].sort()).toEqual(all.sort());
  });
});
