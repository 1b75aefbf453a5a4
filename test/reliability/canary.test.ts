import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#data/common.ts';
import { Audience, IndexKeys, Keys } from '#data/keys.ts';
import { INDEX } from '#data/table.ts';
import { Role } from '#domain/roles.ts';
import { timersWith } from '#domain/settings.ts';
import type { MemoryEventPublisher } from '../../local/notifications.ts';
import {
  failedFirstCalls,
  newCanary,
  refusalsOf,
  uncalledRoutes,
  walkEveryRoute,
} from '../support/canary-routes.ts';
import { type CapturedOutput, captureAllOutput } from '../support/output.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import { eventually } from '../support/workflow.ts';

/**
 * A canary client is submitted through every route of the table (test/support/canary-routes.ts), in the
 * program running in this process. Then the canary must appear nowhere the program writes for people other
 * than the record's readers: log lines (the handlers', the runner's, the gateway's access lines), anything
 * printed through console.* or to stdout/stderr, alert notices, alert items, published events. And no
 * refusal echoes it back. (test/e2e/canary-start.test.ts does the same to `npm start` from outside.)
 */

const canary = newCanary();
const MARK = canary.mark;

let r: ReliabilityApi;
/** Everything this process printed while the program ran (vitest's console.* included). */
let printed: CapturedOutput;

/** Triage and match waits time out after 2 s (overdue alerts happen too); the rest stay quiet. */
const TIMERS = timersWith({
  triage: 2,
  match: 2,
  goals: 3600,
  noSession: 3600,
  closure: 3600,
  holdReview: 3600,
});

beforeAll(async () => {
  r = await startReliabilityApi({ timers: TIMERS });
  // Outermost, and passing everything on: the suite's own stdout capture still fills `r.api.output`.
  printed = captureAllOutput({ echo: true });
});

afterAll(async () => {
  printed?.restore();
  await r?.stop();
});

describe('a canary client name', () => {
  it('goes through every route and never reaches logs, alerts or events', async () => {
    const coordinator = r.as(Role.COORDINATOR);
    const { replies, referralId: id, twin } = await walkEveryRoute(r, canary);

    // --- follow-ups and timers run; the machine settles --------------------------------------------------
    await r.api.runners.vancouver.followUpNow();
    await eventually('the overdue alerts', async () => {
      const items = await alertItems();
      return items.some((i) => i.kind === 'TRIAGE_OVERDUE' || i.kind === 'MATCH_OVERDUE');
    });

    // Assess: every route got the canary; the program's outputs never carry it.
    expect(uncalledRoutes(replies)).toEqual([]);
    // The canary really went in: each route's first call succeeded, and the record holds the name.
    expect(failedFirstCalls(replies)).toEqual([]);
    expect(JSON.stringify((await coordinator.get(`/referrals/${id}`)).body)).toContain(MARK);
    expect((await coordinator.get(`/referrals/${twin.body.id}`)).body.possibleDuplicateOf).toBe(id);
    const refusals = refusalsOf(replies, canary);
    expect(refusals.count).toBeGreaterThanOrEqual(6);
    expect(refusals.echoing).toEqual([]);

    const logs = r.api.output;
    expect(logs.length).toBeGreaterThan(50);
    expect(logs.some((line) => line.includes('referral accessed'))).toBe(true);
    expect(logs.filter((line) => line.includes(MARK))).toEqual([]);
    expect(printed.lines.filter((line) => line.includes(MARK))).toEqual([]);

    const items = await alertItems();
    const kinds = new Set(items.map((i) => String(i.kind)));
    for (const kind of [
      'NEW_REFERRAL',
      'POSSIBLE_DUPLICATE',
      'MATCH_MADE',
      'CONCERN_RAISED',
      'DEBRIEF_REQUESTED',
    ]) {
      expect(kinds, `an alert of kind ${kind}`).toContain(kind);
    }
    expect(items.filter((i) => JSON.stringify(i).includes(MARK)).map((i) => i.kind)).toEqual([]);

    const events = (r.api.events.vancouver as MemoryEventPublisher).published;
    expect(events.length).toBeGreaterThan(5);
    expect(events.filter((e) => JSON.stringify(e).includes(MARK))).toEqual([]);
  });
});

/** Every alert item of the region: the coordinators' inbox and each person's. */
async function alertItems(): Promise<Record<string, unknown>[]> {
  const store = r.api.stores.vancouver;
  const workers = (
    await queryAll(store, {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': IndexKeys.regionWorkers('vancouver') },
    })
  ).map((w) => String(w.id));
  const audiences = [
    Audience.coordinators('vancouver'),
    Audience.user(r.api.demo.vancouver.staff.clinician),
    Audience.user(r.api.demo.vancouver.staff.coordinator),
    ...workers.map(Audience.user),
  ];
  const all = await Promise.all(
    audiences.map((audience) =>
      queryAll(store, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.alertPartition(audience) },
      }),
    ),
  );
  return all.flat();
}
