import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '#api/route.ts';
import { ROUTES } from '#api/routes.ts';
import { STAGES, Stage } from '#domain/lifecycle.ts';
import { PROGRAM_REGIONS, ROLES, Role } from '#domain/roles.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import {
  type Driver,
  driveReferral,
  programDate,
  referralForm,
  sessionBody,
  workerForm,
} from '../support/reliability-flow.ts';

/**
 * Property-based fuzzing of every route of the table over HTTP: bodies (valid ones mutated, arbitrary JSON,
 * text that is not JSON, none, too big), path parameters (real ids, ids of the wrong kind, malformed text),
 * query strings, content types, idempotency keys and tokens (every role in both regions, junk, none).
 * Requests go 20 at a time. Whatever comes in: never a 5xx, and a 400 never writes anything (the DynamoDB
 * operations each call's handler sent are traced per request).
 */

const BATCH = 20;
// About 300 cases a route (each must get at least 150), so the run grows with the route table.
const RUNS = Math.max(510, Math.ceil((ROUTES.length * 300) / BATCH));
const MIN_CASES = 10_000;

let r: ReliabilityApi;
const known = {
  referrals: [] as string[],
  goals: [] as string[],
  sessions: [] as string[],
  workers: [] as string[],
  alerts: [] as string[],
};
let tokens: string[] = [];
/** Tokens by region and role (vancouver's peer workers are the fixture workers). */
const tokensBy: Record<string, Record<string, string[]>> = {};

beforeAll(async () => {
  r = await startReliabilityApi();
  const driver: Driver = { api: r, region: 'vancouver', waitingIn: (id, stage) => r.waitingIn(id, stage) };
  known.workers = await r.addWorkers(4);
  const stages = [
    Stage.REFERRED,
    Stage.REFERRED,
    Stage.AWAITING_MATCH,
    Stage.AWAITING_MATCH,
    Stage.GOAL_SETTING,
    Stage.IN_SESSIONS,
    Stage.IN_SESSIONS,
    Stage.ON_HOLD,
    Stage.GOALS_ACHIEVED,
    Stage.CLOSED,
    Stage.DECLINED,
  ];
  const driven = await Promise.all(
    stages.map((stage, i) =>
      driveReferral(driver, stage, { workerId: known.workers[i % known.workers.length]! }),
    ),
  );
  for (const referral of driven) {
    known.referrals.push(referral.id);
    known.goals.push(...referral.goalIds);
    known.sessions.push(...referral.sessionIds);
  }
  const alerts = await r.as(Role.COORDINATOR).get('/alerts?limit=20');
  known.alerts = ((alerts.body.items ?? []) as { id: string }[]).map((a) => a.id);
  for (const region of ['vancouver', 'richmond'] as const) {
    tokensBy[region] = {};
    for (const role of ROLES) {
      const subs = role === Role.PEER_WORKER && region === 'vancouver' ? known.workers : [undefined];
      tokensBy[region][role] = await Promise.all(subs.map((sub) => r.api.tokenFor(role, region, sub)));
    }
  }
  tokens = Object.values(tokensBy).flatMap((byRole) => Object.values(byRole).flat());
});

afterAll(async () => {
  await r?.stop();
});

// --- what a request is made of ------------------------------------------------------------------------

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const weirdText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '#', 'REF#x', 'null', '0', '-1', '1e309', 'a'.repeat(300), '<script>', '{}'),
);
const ulidLike = fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/);

function idArb(name: string) {
  const pool = name === 'goalId' ? known.goals : name === 'sessionId' ? known.sessions : [];
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...(pool.length > 0 ? pool : known.referrals)) },
    { weight: 2, arbitrary: fc.constantFrom(...known.workers, ...known.alerts) },
    { weight: 2, arbitrary: ulidLike },
    { weight: 3, arbitrary: weirdText.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%2F', '%00', '..%2F..', 'a%20b') },
  );
}

/** A valid body for the route (with real ids), which the mutations then break in places. */
function validBody(route: RouteSpec): unknown {
  const worker = known.workers[0]!;
  switch (route.id) {
    case 'submitReferral':
      return referralForm('vancouver');
    case 'correctReferral':
      return { version: 1, urgency: 'SOON' };
    case 'rereferReferral':
      return {};
    case 'declineReferral':
      return { reason: 'INELIGIBLE', summary: 'Outside criteria' };
    case 'matchReferral':
      return { workerId: worker };
    case 'reassignReferral':
      return { workerId: known.workers[1]!, reason: 'Balance' };
    case 'setGoals':
      return { goals: [{ title: 'Walk to the park', description: 'Twice a week' }] };
    case 'holdReferral':
      return { reason: 'Travelling' };
    case 'resumeReferral':
      return { reason: 'Back' };
    case 'closeReferral':
      return { reason: 'GOALS_MET', summary: 'Done' };
    case 'withdrawReferral':
      return { reason: 'Client moved' };
    case 'rateGoal':
      return { rating: 1, note: 'Better' };
    case 'logSession':
      return sessionBody('Walked', true);
    case 'correctSession':
      return { version: 1, minutes: 30 };
    case 'raiseConcern':
      return { level: 'ROUTINE', category: 'HEALTH' };
    case 'createWorker':
      return workerForm();
    case 'correctWorker':
      return { version: 1, bio: 'Hello' };
    case 'createUser':
      return {
        email: `u-${randomUUID().slice(0, 8)}@example.org`,
        givenName: 'Uma',
        familyName: 'User',
        role: 'clinician',
      };
    case 'createGroup':
      return {
        name: 'Walking group',
        facilitators: [worker],
        schedule: { frequency: 'WEEKLY', weekday: 'TUE', time: '10:00' },
        place: 'ONLINE',
        capacity: 8,
      };
    case 'correctGroup':
      return { version: 1, place: 'ONLINE' };
    case 'addGroupMember':
      return { referralId: known.referrals[0] };
    case 'logMeeting':
      return { date: programDate(0), minutes: 60, facilitators: [worker], attendance: [] };
    case 'correctMeeting':
      return { version: 1, minutes: 45 };
    case 'createResource':
      return { name: 'Food bank', category: 'FOOD', address: 'ONLINE', languages: ['English'] };
    case 'correctResource':
      return { version: 1, hours: 'Mondays' };
    case 'createLink':
      return { resourceId: known.referrals[0] };
    case 'moveLink':
      return { status: 'CONTACTED' };
    // the workforce (issue 17)
    case 'addTrainingRecord':
      return { course: 'NALOXONE', completedOn: programDate(-10), expiresOn: programDate(300) };
    case 'putContract':
      return { start: programDate(-30), end: programDate(300), hoursPerMonth: 40 };
    case 'logTime':
      return { date: programDate(0), kind: 'ADMIN', minutes: 5 };
    case 'logSupervision':
      return { date: programDate(0), minutes: 5, kind: 'SUPERVISION', note: 'Check-in' };
    default:
      return undefined;
  }
}

type Mutation = { at: number; how: 'drop' | 'replace' | 'add' | 'wrap' | 'null'; value: unknown };

type Json = Record<string | number, unknown>;

/** Every path of a JSON value ([] is the root). */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...at, i], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  }
  return out;
}

function mutate(template: unknown, mutations: readonly Mutation[]): unknown {
  let body: unknown = structuredClone(template);
  for (const { at, how, value } of mutations) {
    const all = paths(body);
    const path = all[at % all.length]!;
    if (path.length === 0) {
      body = how === 'wrap' ? [body] : how === 'null' ? null : how === 'replace' ? value : body;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Json)[key], body) as Json;
    const key = path.at(-1)!;
    if (how === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (how === 'replace') parent[key] = value;
    else if (how === 'null') parent[key] = null;
    else if (how === 'wrap') parent[key] = [parent[key]];
    else if (!Array.isArray(parent)) parent[`x${String(key)}`] = value;
  }
  return body;
}

const mutationArb = fc.record({
  at: fc.nat(),
  how: fc.constantFrom('drop', 'replace', 'add', 'wrap', 'null'),
  value: fc.jsonValue({ maxDepth: 2 }),
}) as fc.Arbitrary<Mutation>;

function bodyArb(route: RouteSpec): fc.Arbitrary<unknown> {
  const template = validBody(route);
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(template) },
    {
      weight: 20,
      arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((m) => mutate(template, m)),
    },
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 4, arbitrary: fc.string({ maxLength: 80 }).map((text) => ({ raw: text })) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant({ raw: `{"a":"${'x'.repeat(300_000)}"}` }) },
  );
}

const queryValue = fc.oneof(
  fc.constantFrom(
    '1',
    '50',
    '100',
    '101',
    '0',
    '-1',
    'true',
    'false',
    'yes',
    programDate(-30),
    programDate(0),
  ),
  fc.constantFrom(...STAGES, ...ROLES),
  weirdText,
);
const queryArb = fc.dictionary(
  fc.constantFrom('limit', 'nextToken', 'stage', 'active', 'acknowledged', 'done', 'role', 'from', 'to', 'q'),
  queryValue,
  { maxKeys: 4 },
);

/** Mostly a token the route lets in for the path's region; sometimes any token, junk or none. */
const tokenArb = (route: RouteSpec, region: string) => {
  const allowed = route.roles.flatMap((role) => tokensBy[region]?.[role] ?? []);
  return fc.oneof(
    ...(allowed.length > 0 ? [{ weight: 10, arbitrary: fc.constantFrom(...allowed) }] : []),
    { weight: 3, arbitrary: fc.constantFrom(...tokens) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('junk', 'a.b.c', tokens[0]!.slice(0, -4)) },
    {
      // A real token with one character changed (header, claims or signature).
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...tokens), fc.nat(), fc.constantFrom('A', 'b', '0', '_', '-', '.'))
        .map(([token, at, char]) => {
          const i = at % token.length;
          return `${token.slice(0, i)}${token[i] === char ? 'Z' : char}${token.slice(i + 1)}`;
        }),
    },
  );
};

interface FuzzRequest {
  route: RouteSpec;
  method: string;
  path: string;
  token: string | undefined;
  body: unknown;
  headers: Record<string, string>;
}

const requestArb = () =>
  fc
    .constantFrom(...ROUTES)
    .chain((route) =>
      fc.tuple(
        fc.constant(route),
        fc.oneof(
          { weight: 12, arbitrary: fc.constant('vancouver') },
          { weight: 1, arbitrary: fc.constantFrom(...PROGRAM_REGIONS, 'nowhere') },
        ),
      ),
    )
    .chain(([route, region]) =>
      fc.record({
        route: fc.constant(route),
        region: fc.constant(region),
        params: fc.record(
          Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, idArb(name!)])),
        ),
        query: queryArb,
        body: route.request?.body
          ? bodyArb(route)
          : fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 1 })),
        token: route.public ? fc.option(fc.constantFrom(...tokens)) : tokenArb(route, region),
        contentType: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/merge-patch+json',
              '',
            ),
          },
        ),
        idempotencyKey: fc.option(headerText, { nil: undefined }),
        extra: fc.option(headerText, { nil: undefined }),
      }),
    )
    .map((c): FuzzRequest => {
      const path = c.route.path.replace(/\{(\w+)\}/g, (_, name: string) => String(c.params[name]));
      const search = new URLSearchParams(c.query).toString();
      const raw = c.body && typeof c.body === 'object' && 'raw' in c.body ? String(c.body.raw) : undefined;
      return {
        route: c.route,
        method: c.route.method,
        path: `/${c.region}${path}${search ? `?${search}` : ''}`,
        token: c.token ?? undefined,
        body: raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
        headers: {
          'content-type': c.contentType,
          ...(c.idempotencyKey !== undefined ? { 'idempotency-key': c.idempotencyKey } : {}),
          ...(c.extra !== undefined ? { 'x-forwarded-for': c.extra } : {}),
        },
      };
    });

describe('fuzzing every route', () => {
  it(`never answers 5xx and never writes on a 400 (${RUNS * BATCH} requests, ${BATCH} at a time)`, async () => {
    const perRoute = new Map<string, Map<number, number>>();
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb(), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const replies = await Promise.all(
          batch.map(async (request) => ({
            request,
            reply: await r.send(request.method, request.path, {
              ...(request.token ? { token: request.token } : {}),
              ...(request.body !== undefined ? { body: request.body } : {}),
              headers:
                request.body === undefined ? { ...request.headers, 'content-type': '' } : request.headers,
            }),
          })),
        );
        const violations: string[] = [];
        for (const { request, reply } of replies) {
          cases++;
          const statuses = perRoute.get(request.route.id) ?? new Map<number, number>();
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          perRoute.set(request.route.id, statuses);
          const what = `${request.method} ${request.path.slice(0, 120)}`;
          if (reply.status >= 500) {
            violations.push(`${what} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
          }
          const writes = r.writesOf(reply);
          if (reply.status === 400 && writes.length > 0) {
            violations.push(`${what} → 400 after writing (${writes.map((w) => w.operation).join(', ')})`);
          }
          r.tracing.forget(reply.requestId);
        }
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );

    const summary = [...perRoute]
      .map(([id, statuses]) => `${id}: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`)
      .join('\n');
    console.log(`fuzzing: ${cases} requests\n${summary}`);
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    for (const route of ROUTES) {
      const statuses = perRoute.get(route.id);
      const count = statuses ? [...statuses.values()].reduce((a, b) => a + b, 0) : 0;
      expect(count, `cases for ${route.id}`).toBeGreaterThanOrEqual(150);
    }
    // The fuzzing reached the handlers: valid requests went through and invalid ones were refused.
    const all = [...perRoute.values()].flatMap((s) => [...s]);
    expect(all.filter(([s]) => s < 300).reduce((a, [, n]) => a + n, 0)).toBeGreaterThan(500);
    expect(all.filter(([s]) => s === 400).reduce((a, [, n]) => a + n, 0)).toBeGreaterThan(1000);
  });
});
