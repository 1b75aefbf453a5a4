import { describe, expect, it } from 'vitest';
import {
  defaultPreferences,
  deliveryId,
  MAX_DELIVERY_ATTEMPTS,
  nextDigestAt,
  plannedDeliveries,
  programDate,
  retryDelaySeconds,
} from '#domain/notifications.ts';
import { Role } from '#domain/roles.ts';

const coordinator = { sub: 'c1', role: Role.COORDINATOR, email: 'c@example.org', phone: '+16045550101' };
const clinician = { sub: 'k1', role: Role.CLINICIAN, email: 'k@example.org' };
const worker = { sub: 'w1', role: Role.PEER_WORKER, email: 'w@example.org', phone: '+16045550102' };
const immediate = defaultPreferences(true);

describe('who hears what', () => {
  it('sends an urgent concern to a coordinator by email and SMS even with both turned off', () => {
    const out = plannedDeliveries(
      { kind: 'CONCERN_RAISED', level: 'URGENT' },
      coordinator,
      { email: 'OFF', sms: 'OFF' },
      true,
    );
    expect(out.map((d) => [d.channel, d.digest])).toEqual([
      ['EMAIL', false],
      ['SMS', false],
    ]);
  });

  it('emails the clinician an urgent concern, and nothing for a routine one', () => {
    expect(
      plannedDeliveries({ kind: 'CONCERN_RAISED', level: 'URGENT' }, clinician, immediate, false),
    ).toHaveLength(1);
    expect(
      plannedDeliveries({ kind: 'CONCERN_RAISED', level: 'ROUTINE' }, clinician, immediate, false),
    ).toEqual([]);
  });

  it('never delivers STAGE_CHANGED', () => {
    expect(plannedDeliveries({ kind: 'STAGE_CHANGED' }, coordinator, immediate, true)).toEqual([]);
  });

  it('honours OFF and DAILY_DIGEST for routine alerts', () => {
    expect(
      plannedDeliveries({ kind: 'NEW_REFERRAL' }, coordinator, { email: 'OFF', sms: 'OFF' }, true),
    ).toEqual([]);
    const held = plannedDeliveries(
      { kind: 'NEW_REFERRAL' },
      coordinator,
      { email: 'DAILY_DIGEST', sms: 'OFF' },
      true,
    );
    expect(held).toEqual([expect.objectContaining({ channel: 'EMAIL', digest: true })]);
  });

  it('emails each role only its own kinds', () => {
    expect(plannedDeliveries({ kind: 'NEW_CLIENT' }, worker, immediate, false)).toHaveLength(1);
    expect(plannedDeliveries({ kind: 'MATCH_MADE' }, clinician, immediate, false)).toHaveLength(1);
    expect(plannedDeliveries({ kind: 'CLIENT_REASSIGNED' }, clinician, immediate, false)).toEqual([]);
    expect(plannedDeliveries({ kind: 'REFERRAL_CLOSED' }, worker, immediate, false)).toEqual([]);
  });

  it('defaults SMS to OFF without a phone', () => {
    expect(defaultPreferences(false)).toEqual({ email: 'IMMEDIATE', sms: 'OFF' });
  });
});

describe('delivery timing', () => {
  it('backs off 1 min, 5 min, 30 min, 2 h and gives up after a bounded number of attempts', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([60, 300, 1800, 7200]);
    expect(MAX_DELIVERY_ATTEMPTS).toBeGreaterThan(4);
    expect(deliveryId('A1', 'u1', 'SMS')).toBe('A1#u1#SMS');
  });

  it('holds the digest until the next 08:00 Vancouver time, across daylight saving', () => {
    // 2026-12-02 15:00 UTC = 07:00 PST: today at 08:00 PST = 16:00 UTC.
    expect(nextDigestAt(new Date('2026-12-02T15:00:00Z')).toISOString()).toBe('2026-12-02T16:00:00.000Z');
    // 17:00 UTC = 09:00 PST: tomorrow.
    expect(nextDigestAt(new Date('2026-12-02T17:00:00Z')).toISOString()).toBe('2026-12-03T16:00:00.000Z');
    // Summer (PDT, UTC-7): 08:00 = 15:00 UTC.
    expect(nextDigestAt(new Date('2026-07-01T20:00:00Z')).toISOString()).toBe('2026-07-02T15:00:00.000Z');
    // The night daylight saving starts (2026-03-08): 08:00 PDT = 15:00 UTC.
    expect(nextDigestAt(new Date('2026-03-08T06:00:00Z')).toISOString()).toBe('2026-03-08T15:00:00.000Z');
    expect(programDate(new Date('2026-12-03T03:00:00Z'))).toBe('2026-12-02');
  });
});
