import { join } from 'node:path';
import { Stage } from '#domain/lifecycle.ts';
import { shortReference } from '#domain/notification-templates.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { referralForm } from '../../test/support/fixtures.ts';
import { type CaughtMail, MailWatch, smsLines } from '../lib/mail-watch.ts';
import type { Progress } from '../lib/progress.ts';
import type { Figure } from '../lib/report.ts';
import type { BenchStack } from '../lib/stack.ts';
import { percentile, pool, round } from '../lib/stats.ts';
import { benchWorkers } from './routes.ts';

/**
 * Alerts that reach people (issue 14), measured end to end on the local stack: from the API call (an
 * URGENT concern) or the transition (a match, whose alert the state machine raises) to the message written
 * by the local SMTP catcher (`<data dir>/mail/*.eml`), p50 and p99 (target p99 ≤ 2 s); and the delivery
 * worker's throughput: a burst of URGENT concerns, messages (emails and SMS) per second from the first
 * message to the last. Samples are taken one at a time, so a latency is the pipeline's, not a queue's.
 *
 * When no message reaches the catcher's directory (a tree without the catcher and the delivery loop) the
 * section says so and measures nothing.
 */

export const ALERT_P99_TARGET_MS = 2000;

export interface AlertLatency {
  samples: number;
  /** Samples whose message never came within the wait. */
  missed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface AlertsResult {
  mailDir: string;
  skipped?: string;
  concern?: AlertLatency;
  transition?: AlertLatency;
  throughput?: {
    alerts: number;
    emails: number;
    sms: number;
    /** From the first message of the burst to its last. */
    seconds: number;
    deliveriesPerSecond: number;
  };
}

const REGION: ProgramRegion = 'vancouver';
const WAIT_MS = 15_000;

function latency(values: readonly (number | undefined)[]): AlertLatency {
  const got = values.filter((v): v is number => v !== undefined);
  return {
    samples: values.length,
    missed: values.length - got.length,
    p50Ms: round(percentile(got, 50)),
    p99Ms: round(percentile(got, 99)),
    maxMs: round(Math.max(...got)),
  };
}

const about = (referralId: string, words: readonly string[]) => (mail: CaughtMail) =>
  mail.subject.includes(`ref ${shortReference(referralId)}`) && words.some((w) => mail.subject.includes(w));

const URGENT_WORDS = ['URGENT: A concern was raised'];
const MATCH_WORDS = ['A peer worker was matched', 'You have a new client'];

export async function runAlerts(
  bench: BenchStack,
  options: { samples: number; burst: number; progress: Progress },
): Promise<AlertsResult> {
  const { client, waits } = bench;
  const mailDir = join(bench.dataDir, 'mail');
  const watch = new MailWatch(mailDir).start();
  try {
    const clinician = client.as(Role.CLINICIAN, REGION);
    const coordinator = client.as(Role.COORDINATOR, REGION);
    const workers = await benchWorkers(bench, 12);
    const count = options.samples * 2 + 1;
    let ready = 0;
    // Referrals waiting for a match: half are matched now (for concerns), half are matched while measured.
    const referrals = await pool(
      Array.from({ length: count }, (_, i) => i),
      8,
      async (i) => {
        const submitted = await clinician.post('/referrals', referralForm(REGION));
        const id = String(submitted.body.id);
        await waits.waitingIn(id, Stage.REFERRED);
        await coordinator.post(`/referrals/${id}/accept`);
        await waits.waitingIn(id, Stage.AWAITING_MATCH);
        options.progress.update('alerts: referrals', ++ready, count);
        return { id, workerId: workers[i % workers.length]! };
      },
    );
    const forConcerns = referrals.slice(0, options.samples + 1);
    const forMatches = referrals.slice(options.samples + 1);
    await pool(forConcerns, 8, async ({ id, workerId }) => {
      await coordinator.post(`/referrals/${id}/match`, { workerId });
      await waits.waitingIn(id, Stage.GOAL_SETTING);
    });

    const concern = async ({ id, workerId }: { id: string; workerId: string }) => {
      const worker = client.as(Role.PEER_WORKER, REGION, workerId);
      const sent = Date.now();
      const answer = await worker.post(`/referrals/${id}/concerns`, { level: 'URGENT', category: 'SAFETY' });
      if (answer.status !== 201 && answer.status !== 200) throw new Error(`concern: ${answer.status}`);
      const mail = await watch.waitFor(about(id, URGENT_WORDS), WAIT_MS);
      return mail ? mail.arrivedAt - sent : undefined;
    };

    // The first concern is the probe (and a warm-up): no message means no catcher in this program.
    const probe = await concern(forConcerns[0]!);
    if (probe === undefined) {
      return {
        mailDir,
        skipped: `no message reached ${mailDir} within ${WAIT_MS / 1000} s: this tree has no local mail catcher or delivery loop`,
      };
    }
    const concernMs: (number | undefined)[] = [];
    for (const [i, referral] of forConcerns.slice(1).entries()) {
      concernMs.push(await concern(referral));
      options.progress.update('alerts: concern → mail', i + 1, options.samples);
    }
    const transitionMs: (number | undefined)[] = [];
    for (const [i, { id, workerId }] of forMatches.entries()) {
      const sent = Date.now();
      await coordinator.post(`/referrals/${id}/match`, { workerId });
      const mail = await watch.waitFor(about(id, MATCH_WORDS), WAIT_MS);
      transitionMs.push(mail ? mail.arrivedAt - sent : undefined);
      options.progress.update('alerts: match → mail', i + 1, options.samples);
    }

    // Throughput: a burst of URGENT concerns at once, then every message they make.
    await watch.settled(1000, 30_000);
    const smsFile = join(bench.dataDir, 'sms.jsonl');
    const mailsBefore = watch.mails.length;
    const smsBefore = (await smsLines(smsFile)).length;
    const burst = Array.from({ length: options.burst }, (_, i) => forConcerns[(i % options.samples) + 1]!);
    const burstStarted = Date.now();
    await pool(burst, 8, async ({ id, workerId }) => {
      await client
        .as(Role.PEER_WORKER, REGION, workerId)
        .post(`/referrals/${id}/concerns`, { level: 'URGENT', category: 'HEALTH' });
    });
    await watch.settled(1500, 120_000);
    const emails = watch.mails.slice(mailsBefore).map((m) => m.arrivedAt);
    const sms = (await smsLines(smsFile)).slice(smsBefore).map((line) => Date.parse(line.at));
    const arrivals = [...emails, ...sms].filter((t) => t >= burstStarted);
    const seconds = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
    return {
      mailDir,
      concern: latency(concernMs),
      transition: latency(transitionMs),
      throughput: {
        alerts: options.burst,
        emails: emails.length,
        sms: sms.length,
        seconds: round(seconds),
        deliveriesPerSecond: round(seconds > 0 ? (arrivals.length - 1) / seconds : Number.NaN),
      },
    };
  } finally {
    await watch.stop();
  }
}

export function alertFigures(result: AlertsResult): Figure[] {
  if (result.skipped || !result.concern || !result.transition || !result.throughput) {
    return [
      {
        id: 'alert-latency',
        figure: 'Alert to message in the local mail catcher',
        value: 'not measured',
        target: `p99 ≤ ${ALERT_P99_TARGET_MS} ms`,
        ...(result.skipped ? { note: result.skipped } : {}),
      },
    ];
  }
  const bound = (l: AlertLatency) => l.missed === 0 && l.p99Ms <= ALERT_P99_TARGET_MS;
  const note = (l: AlertLatency) => (l.missed > 0 ? { note: `${l.missed} never arrived` } : {});
  const t = result.throughput;
  return [
    {
      id: 'alert-latency-concern',
      figure: `URGENT concern (API) → email in the catcher, ${result.concern.samples} one at a time`,
      value: `p50 ${result.concern.p50Ms} ms, p99 ${result.concern.p99Ms} ms`,
      target: `p99 ≤ ${ALERT_P99_TARGET_MS} ms`,
      pass: bound(result.concern),
      ...note(result.concern),
    },
    {
      id: 'alert-latency-transition',
      figure: `Match (state machine) → email in the catcher, ${result.transition.samples} one at a time`,
      value: `p50 ${result.transition.p50Ms} ms, p99 ${result.transition.p99Ms} ms`,
      target: `p99 ≤ ${ALERT_P99_TARGET_MS} ms`,
      pass: bound(result.transition),
      ...note(result.transition),
    },
    {
      id: 'delivery-throughput',
      figure: `Delivery worker: ${t.alerts} URGENT concerns at once → ${t.emails} emails + ${t.sms} SMS`,
      value: `${t.deliveriesPerSecond}/s`,
      target: 'measured',
    },
  ];
}

export function alertsMarkdown(result: AlertsResult): string[] {
  const lines = ['', '## Alerts that reach people', ''];
  if (result.skipped) return [...lines, `Not measured: ${result.skipped}.`];
  const row = (name: string, l: AlertLatency | undefined) =>
    l ? `| ${name} | ${l.samples} | ${l.missed} | ${l.p50Ms} | ${l.p99Ms} | ${l.maxMs} |` : '';
  lines.push(
    `From the call to the message file in \`${result.mailDir}\` (the catcher's write time).`,
    '',
    '| From | samples | missed | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|',
    row('URGENT concern (API)', result.concern),
    row('match (state machine)', result.transition),
  );
  const t = result.throughput;
  if (t)
    lines.push(
      '',
      `Burst of ${t.alerts} URGENT concerns: ${t.emails} emails and ${t.sms} SMS in ${t.seconds} s from the ` +
        `first message to the last: ${t.deliveriesPerSecond} deliveries/s.`,
    );
  return lines;
}
