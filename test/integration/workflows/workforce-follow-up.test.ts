import { beforeEach, describe, expect, it } from 'vitest';
import { listAlerts } from '#data/alerts.ts';
import { putContract } from '#data/contracts.ts';
import { Audience } from '#data/keys.ts';
import { logSupervision } from '#data/supervision.ts';
import { addTrainingRecord } from '#data/training.ts';
import { MemoryEventPublisher } from '../../../local/notifications.ts';
import { addDays, workforceFollowUp } from '../../../workflows/tasks/workforce-follow-up.ts';
import { localDate, makeTestStore, seedWorker, type TestStore } from '../../support/store.ts';

/**
 * The workforce's timed alerts, run as the scheduled follow-up runs them, on DynamoDB Local with a chosen
 * clock: each raises one alert per audience, once, and carries ids, codes and dates only.
 */

let store: TestStore;
let notices: string[];
const deps = () => ({
  store,
  notifier: { notify: async (message: { kind: string }) => void notices.push(message.kind) },
  events: new MemoryEventPublisher(),
  // Nobody to email: the alerts are checked in the inboxes.
  directory: { createUser: async () => ({ sub: '' }), listUsers: async () => [] },
});
const at = (days: number) => new Date(Date.now() + days * 86_400_000);
const kinds = async (audience: string) => (await listAlerts(store, audience)).items.map((a) => a.kind).sort();

beforeEach(async () => {
  store = await makeTestStore();
  notices = [];
});

describe('the workforce follow-up', () => {
  it('raises one alert for an expiring naloxone record, once, to the worker and the coordinators', async () => {
    // Prepare: expires in 40 days; supervised yesterday so nothing else is due
    const worker = await seedWorker(store);
    await logSupervision(store, {
      workerId: worker.id,
      entry: { date: localDate(-1), minutes: 30, kind: 'SUPERVISION', note: 'Check-in' },
      by: 'coordinator-1',
    });
    await addTrainingRecord(store, {
      workerId: worker.id,
      record: { course: 'NALOXONE', completedOn: localDate(-300), expiresOn: localDate(40) },
      by: 'coordinator-1',
    });

    // Act
    const early = await workforceFollowUp(deps(), at(0));
    const due = await workforceFollowUp(deps(), at(12));
    const again = await workforceFollowUp(deps(), at(13));

    // Assess
    expect(early.trainingExpiring).toBe(0);
    expect(due.trainingExpiring).toBe(1);
    expect(again.trainingExpiring).toBe(0);
    expect(await kinds(Audience.user(worker.id))).toEqual(['TRAINING_EXPIRING']);
    expect(await kinds(Audience.coordinators('vancouver'))).toEqual(['TRAINING_EXPIRING']);
    expect(notices).toEqual(['TRAINING_EXPIRING', 'TRAINING_EXPIRING']);
    const [alert] = (await listAlerts(store, Audience.coordinators('vancouver'))).items;
    expect(alert?.details).toEqual({ workerId: worker.id, course: 'NALOXONE', expiresOn: localDate(40) });
  });

  it('alerts a contract ending within 30 days and paid time at 90% of the month, once each', async () => {
    // Prepare: 10 hours a month, 9 already paid through supervision today
    const worker = await seedWorker(store);
    await putContract(store, {
      workerId: worker.id,
      contract: { start: localDate(-100), end: localDate(20), hoursPerMonth: 10 },
      by: 'coordinator-1',
    });
    for (const minutes of [270, 270]) {
      await logSupervision(store, {
        workerId: worker.id,
        entry: { date: localDate(0), minutes, kind: 'SUPERVISION', note: 'Long session' },
        by: 'coordinator-1',
      });
    }

    // Act
    const first = await workforceFollowUp(deps(), at(0));
    const second = await workforceFollowUp(deps(), at(0));

    // Assess
    expect(first).toMatchObject({ contractsEnding: 1, hoursNearLimit: 1, supervisionDue: 0 });
    expect(second).toMatchObject({ contractsEnding: 0, hoursNearLimit: 0 });
    expect(await kinds(Audience.user(worker.id))).toEqual(['CONTRACT_ENDING', 'HOURS_NEAR_LIMIT']);
    expect(await kinds(Audience.coordinators('vancouver'))).toEqual(['CONTRACT_ENDING', 'HOURS_NEAR_LIMIT']);
  });

  it('tells the coordinators when a worker has gone 45 days without supervision, once', async () => {
    // Prepare
    const worker = await seedWorker(store);
    await logSupervision(store, {
      workerId: worker.id,
      entry: { date: localDate(-10), minutes: 30, kind: 'SUPERVISION', note: 'Check-in' },
      by: 'coordinator-1',
    });

    // Act
    const before = await workforceFollowUp(deps(), at(34));
    const due = await workforceFollowUp(deps(), at(35));
    const again = await workforceFollowUp(deps(), at(40));

    // Assess
    expect([before.supervisionDue, due.supervisionDue, again.supervisionDue]).toEqual([0, 1, 0]);
    const alerts = (await listAlerts(store, Audience.coordinators('vancouver'))).items;
    expect(alerts.map((a) => [a.kind, a.details])).toEqual([
      ['SUPERVISION_DUE', { workerId: worker.id, lastSupervision: localDate(-10) }],
    ]);
    expect(await kinds(Audience.user(worker.id))).toEqual([]);
  });

  it('counts dates by whole days', () => {
    expect(addDays('2025-02-27', 2)).toBe('2025-03-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });
});
