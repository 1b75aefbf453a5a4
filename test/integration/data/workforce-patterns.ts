import { expect } from 'vitest';
import { getContract, listContractsEnding, listTimeEntries, logTime, putContract } from '#data/contracts.ts';
import type { WORKFORCE_ACCESS_PATTERN_NAMES } from '#data/keys.ts';
import { listSupervision, logSupervision } from '#data/supervision.ts';
import { addTrainingRecord, listTrainingExpiringBefore, listTrainingRecords } from '#data/training.ts';
import { localDate, seedWorker, type TestStore } from '../../support/store.ts';

/**
 * The workforce access patterns (issue 17), exercised by access-patterns.test.ts: each seeds a worker of
 * its own, writes through the data layer and reads back through the pattern.
 */
type Name = (typeof WORKFORCE_ACCESS_PATTERN_NAMES)[number];

export function workforceExercises(store: () => TestStore): Record<Name, () => Promise<void>> {
  const today = localDate(0);
  return {
    'training records of a worker': async () => {
      const worker = await seedWorker(store());
      await addTrainingRecord(store(), {
        workerId: worker.id,
        record: { course: 'PEER_CORE', completedOn: localDate(-30) },
        by: 'coordinator-1',
      });
      store().requests.length = 0;
      const records = await listTrainingRecords(store(), worker.id);
      expect(records.map((r) => r.course)).toEqual(['PEER_CORE']);
    },
    'training expiring in a region': async () => {
      const worker = await seedWorker(store());
      const record = await addTrainingRecord(store(), {
        workerId: worker.id,
        record: { course: 'NALOXONE', completedOn: localDate(-300), expiresOn: localDate(10) },
        by: 'coordinator-1',
      });
      store().requests.length = 0;
      const expiring = await listTrainingExpiringBefore(store(), localDate(30));
      expect(expiring.map((r) => r.id)).toContain(record.id);
      const later = await listTrainingExpiringBefore(store(), localDate(5));
      expect(later.map((r) => r.id)).not.toContain(record.id);
    },
    'contract of a worker': async () => {
      const worker = await seedWorker(store());
      await putContract(store(), {
        workerId: worker.id,
        contract: { start: localDate(-100), end: localDate(200), hoursPerMonth: 40 },
        by: 'coordinator-1',
      });
      store().requests.length = 0;
      expect(await getContract(store(), worker.id)).toMatchObject({ hoursPerMonth: 40, version: 1 });
    },
    'contracts ending in a region': async () => {
      const worker = await seedWorker(store());
      await putContract(store(), {
        workerId: worker.id,
        contract: { start: localDate(-100), end: localDate(20), hoursPerMonth: 40 },
        by: 'coordinator-1',
      });
      store().requests.length = 0;
      const ending = await listContractsEnding(store(), { from: today, to: localDate(30) });
      expect(ending.map((c) => c.workerId)).toContain(worker.id);
      const none = await listContractsEnding(store(), { from: today, to: localDate(10) });
      expect(none.map((c) => c.workerId)).not.toContain(worker.id);
    },
    'time entries of a worker by month': async () => {
      const worker = await seedWorker(store());
      await logTime(store(), {
        workerId: worker.id,
        entry: { date: today, kind: 'TRAVEL', minutes: 30 },
        by: worker.id,
      });
      store().requests.length = 0;
      const entries = await listTimeEntries(store(), worker.id, today.slice(0, 7));
      expect(entries.map((e) => [e.kind, e.minutes])).toEqual([['TRAVEL', 30]]);
    },
    'supervision log of a worker': async () => {
      const worker = await seedWorker(store());
      for (const date of [localDate(-2), today]) {
        await logSupervision(store(), {
          workerId: worker.id,
          entry: { date, minutes: 30, kind: 'SUPERVISION', note: 'Check-in' },
          by: 'coordinator-1',
        });
      }
      store().requests.length = 0;
      const page = await listSupervision(store(), worker.id);
      expect(page.items.map((e) => e.date)).toEqual([today, localDate(-2)]);
    },
  };
}
