import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { iso, newId, programMonth } from '#data/common.ts';
import { auditEventItem } from '#data/events.ts';
import { newGoalItems } from '#data/goals.ts';
import { createGroup } from '#data/groups.ts';
import { IndexKeys, ItemType, Keys } from '#data/keys.ts';
import { CommunityIndexKeys, CommunityItemType, CommunityKeys } from '#data/keys-community.ts';
import { logMeeting } from '#data/meetings.ts';
import { newReferralItems } from '#data/referrals/create.ts';
import type { Store } from '#data/store.ts';
import { ratingsForTScore } from '#domain/attainment.ts';
import { Stage } from '#domain/lifecycle.ts';
import { ReferralInputSchema } from '#domain/referral.ts';
import { RESOURCE_CATEGORIES } from '#domain/resources.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { SESSION_MODES } from '#domain/vocabulary.ts';
import { BATCH_PUT_SIZE, batchPutItems } from '../../local/batch-put.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { referralForm } from '../../test/support/reliability-flow.ts';
import { figuresOf, Recorder, type RouteFigures } from '../lib/record.ts';
import { startBenchStack } from '../lib/stack.ts';
import { pool, round } from '../lib/stats.ts';

/**
 * The summary report over a program-year for one region: 5,000 referrals (half closed), 50,000 sessions,
 * 600 group meetings and 8,000 resource links spread over twelve months, loaded as the data layer's own items
 * (BatchWriteItem; meetings through `logMeeting`). `GET /reports/summary` is then measured over the last 1,
 * 3, 6 and 12 months: p50 latency and DynamoDB requests per call. Target ≤ 1 s p50 over the year, and
 * requests growing no faster than linearly with the months.
 *
 * `npx tsx bench/sections/report.ts [--quick]` (quick: a tenth of the data and fewer samples, for a shared
 * machine). Writes bench/results/report[-quick].json and prints a table.
 */

export interface ReportBenchResult {
  mode: 'quick' | 'full';
  data: { referrals: number; sessions: number; meetings: number; links: number; months: number };
  loadSeconds: number;
  ranges: (RouteFigures & { months: number; requestsPerMonth: number; tScores: number })[];
  /** p50 latency over 12 months ≤ 1 s. */
  pass: boolean;
  /** Requests per month at 12 months / at 1 month (≤ 1 means no faster than linear). */
  requestGrowth: number;
}

const REGION: ProgramRegion = 'vancouver';
const MONTHS = 12;
const DAY = 86_400_000;

const GOALS = [{ title: 'Get back to the Sunday choir' }, { title: 'Walk to the library on my own' }];

const at = (store: Store, date: Date): Store => ({ ...store, now: () => date });
const localDate = (date: Date) => date.toISOString().slice(0, 10);

/** The program-year's items: referrals (created and, half of them, closed) and their sessions and links. */
function yearItems(store: Store, counts: ReportBenchResult['data'], start: number, workers: string[]) {
  const forms = Array.from({ length: 40 }, () => ReferralInputSchema.parse(referralForm(REGION)));
  const items: Record<string, unknown>[] = [];
  const referralIds: string[] = [];
  const span = MONTHS * 30 * DAY;
  for (let i = 0; i < counts.referrals; i++) {
    const created = new Date(start + Math.floor((span * i) / counts.referrals));
    const clock = at(store, created);
    const id = newId(clock);
    referralIds.push(id);
    const { item, event } = newReferralItems(clock, {
      id,
      details: forms[i % forms.length]!,
      referrerSub: `bench-clinician-${i % 30}`,
    });
    const workerId = workers[i % workers.length]!;
    const closed = i % 2 === 0 && created.getTime() + 60 * DAY < start + span;
    Object.assign(item, { workerId, matchedAt: iso(new Date(created.getTime() + 5 * DAY)) });
    // Every matched referral has goals (two, rated): the items the goal writes leave.
    const goals = newGoalItems(at(store, new Date(created.getTime() + 7 * DAY)), id, GOALS).items;
    goals.forEach((goal, g) => {
      goal.latestRating = ((i + g) % 5) - 2;
    });
    items.push(...goals);
    if (closed) {
      // What the closure's notify task records once the goals are final (shared/data/referrals/closing-ratings.ts).
      item.closingRatings = ratingsForTScore(goals as never[]);
      const closedAt = new Date(created.getTime() + 60 * DAY);
      item.stage = Stage.CLOSED;
      item.gsi1pk = IndexKeys.queue(REGION, Stage.CLOSED);
      item.closedAt = iso(closedAt);
      item.closure = { reason: 'GOALS_MET', summary: 'Goals met', closedBy: 'bench-coordinator' };
      delete item.gsi3pk;
      delete item.gsi3sk;
      items.push(
        auditEventItem(
          at(store, closedAt),
          { sub: 'bench-coordinator', role: Role.COORDINATOR },
          {
            referralId: id,
            kind: 'TRANSITION',
            event: 'close',
            from: Stage.IN_SESSIONS,
            to: Stage.CLOSED,
          } as never,
          {
            gsi3pk: IndexKeys.closed(REGION, programMonth(closedAt)),
            gsi3sk: IndexKeys.reportSort(iso(closedAt), id),
          },
        ),
      );
    }
    items.push(item, event);
  }
  for (let i = 0; i < counts.sessions; i++) {
    const when = new Date(start + Math.floor((span * i) / counts.sessions));
    const referralId = referralIds[i % referralIds.length]!;
    const workerId = workers[(i % referralIds.length) % workers.length]!;
    const id = newId(at(store, when));
    const date = localDate(when);
    const sort = IndexKeys.sessionSort(date, id);
    items.push({
      ...Keys.session(referralId, id),
      type: ItemType.SESSION,
      gsi1pk: IndexKeys.workerSessions(workerId),
      gsi1sk: sort,
      gsi2pk: IndexKeys.regionSessions(REGION, date.slice(0, 7)),
      gsi2sk: sort,
      id,
      referralId,
      workerId,
      date,
      mode: SESSION_MODES[i % SESSION_MODES.length],
      minutes: 30 + (i % 4) * 15,
      debriefNeeded: false,
      version: 1,
      createdAt: iso(when),
      updatedAt: iso(when),
    });
  }
  for (let i = 0; i < counts.links; i++) {
    const when = new Date(start + Math.floor((span * i) / counts.links));
    const referralId = referralIds[i % referralIds.length]!;
    const id = newId(at(store, when));
    const created = iso(when);
    const status = (['SUGGESTED', 'CONTACTED', 'CONNECTED', 'STILL_CONNECTED', 'DID_NOT_CONNECT'] as const)[
      i % 5
    ];
    items.push({
      ...CommunityKeys.link(referralId, id),
      type: CommunityItemType.LINK,
      gsi2pk: CommunityIndexKeys.regionLinks(REGION, programMonth(created)),
      gsi2sk: CommunityIndexKeys.linkSort(created, id),
      id,
      referralId,
      resourceId: `bench-resource-${i % 30}`,
      resourceName: 'Bench resource',
      category: RESOURCE_CATEGORIES[i % RESOURCE_CATEGORIES.length],
      status,
      createdBy: workers[0],
      createdAt: created,
      updatedAt: created,
      ...(status === 'CONNECTED' || status === 'STILL_CONNECTED' ? { connectedAt: created } : {}),
      ...(status === 'STILL_CONNECTED' ? { stillConnectedAt: created } : {}),
      version: 1,
    });
  }
  return { items, referralIds };
}

export async function runReportBench(options: {
  quick: boolean;
  samples: number;
}): Promise<ReportBenchResult> {
  const scale = options.quick ? 10 : 1;
  const data = {
    referrals: 5000 / scale,
    sessions: 50_000 / scale,
    meetings: 600 / scale,
    links: 8000 / scale,
    months: MONTHS,
  };
  const bench = await startBenchStack();
  try {
    const store = bench.stack.stores[REGION];
    const workers = bench.stack.demo[REGION].workers.slice(0, 15);
    const now = Date.now();
    const start = now - MONTHS * 30 * DAY - DAY;
    const loadStarted = Date.now();
    const { items, referralIds } = yearItems(store, data, start, workers);
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += BATCH_PUT_SIZE) batches.push(items.slice(i, i + BATCH_PUT_SIZE));
    await pool(batches, 16, (batch) => batchPutItems(store, batch));
    const groups = await Promise.all(
      Array.from({ length: 10 }, (_, g) =>
        createGroup(at(store, new Date(start - DAY)), {
          name: `Group ${g}`,
          facilitators: workers.slice(0, 4),
          schedule: { frequency: 'MONTHLY', weekday: 'THU', time: '18:00' },
          place: 'ONLINE',
          capacity: 40,
          active: true,
        }),
      ),
    );
    await pool(
      Array.from({ length: data.meetings }, (_, i) => i),
      8,
      async (i) => {
        const when = new Date(start + Math.floor((MONTHS * 30 * DAY * i) / data.meetings));
        const attendance = Array.from({ length: 8 }, (_, k) => ({
          referralId: referralIds[(i * 8 + k) % referralIds.length]!,
          present: k % 4 !== 0,
        }));
        await logMeeting(at(store, when), {
          group: groups[i % groups.length]!,
          meeting: {
            date: localDate(when),
            minutes: 90,
            facilitators: [workers[i % workers.length]!],
            attendance,
          },
          loggedBy: workers[0]!,
        });
      },
    );
    const loadSeconds = round((Date.now() - loadStarted) / 1000, 1);

    const coordinator = bench.client.as(Role.COORDINATOR, REGION);
    const today = localDate(new Date(now));
    const ranges: ReportBenchResult['ranges'] = [];
    bench.api.attribution = 'sequential';
    for (const months of [1, 3, 6, 12]) {
      const from = localDate(new Date(now - months * 30 * DAY));
      const recorder = new Recorder(bench.api);
      let tScores = 0;
      for (let i = 0; i < options.samples + 2; i++) {
        recorder.recording = i >= 2;
        const reply = await recorder.measure<{ closed: number; tScores: unknown[] }>(
          'reportSummary',
          coordinator.get(`/reports/summary?from=${from}&to=${today}`),
          200,
        );
        // Every closure in the bench had rated goals: a report that scored fewer measured less work.
        if (reply.body.tScores.length !== reply.body.closed) {
          throw new Error(`${reply.body.tScores.length} T-scores for ${reply.body.closed} closures`);
        }
        tScores = reply.body.tScores.length;
      }
      const figures = figuresOf('reportSummary', recorder.samples.get('reportSummary') ?? []);
      ranges.push({ ...figures, months, tScores, requestsPerMonth: round(figures.requestsP50 / months, 1) });
    }
    const year = ranges.at(-1)!;
    return {
      mode: options.quick ? 'quick' : 'full',
      data,
      loadSeconds,
      ranges,
      pass: year.p50Ms <= 1000,
      requestGrowth: round(year.requestsPerMonth / ranges[0]!.requestsPerMonth),
    };
  } finally {
    await bench.stop();
  }
}

export function reportTable(result: ReportBenchResult): string {
  const lines = [
    `Summary report bench (${result.mode}): ${result.data.referrals} referrals, ${result.data.sessions} sessions, ` +
      `${result.data.meetings} meetings, ${result.data.links} links over ${result.data.months} months (loaded in ${result.loadSeconds} s)`,
    '',
    '| months | p50 ms | p99 ms | DynamoDB p50 ms | requests p50 | requests / month | T-scores |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...result.ranges.map(
      (r) =>
        `| ${r.months} | ${r.p50Ms} | ${r.p99Ms} | ${r.dynamoP50Ms} | ${r.requestsP50} | ${r.requestsPerMonth} | ${r.tScores} |`,
    ),
    '',
    `12 months p50 ≤ 1 s: ${result.pass ? 'yes' : 'NO'}; requests per month at 12 / at 1 month: ${result.requestGrowth}`,
  ];
  return `${lines.join('\n')}\n`;
}

if (process.argv[1]?.endsWith('report.ts')) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const quick = values.quick ?? false;
  runReportBench({ quick, samples: quick ? 5 : 20 })
    .then(async (result) => {
      const out = join(PROJECT_ROOT, 'bench', 'results');
      await mkdir(out, { recursive: true });
      await writeFile(
        join(out, `report${quick ? '-quick' : ''}.json`),
        `${JSON.stringify(result, null, 2)}\n`,
      );
      process.stdout.write(reportTable(result));
    })
    .catch((error: unknown) => {
      process.stderr.write(`report bench failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    });
}
