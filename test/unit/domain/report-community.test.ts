import { describe, expect, it } from 'vitest';
import { facilitationByWorkerMonth, groupsSection, resourcesSection } from '#domain/report-community.ts';

describe('the groups section', () => {
  it('counts a 90-minute meeting with 6 attendees and 1 facilitator as 90 facilitation minutes', () => {
    // Prepare
    const attendance = ['a', 'b', 'c', 'd', 'e', 'f'].map((referralId) => ({ referralId, present: true }));

    // Act
    const section = groupsSection([{ minutes: 90, facilitators: ['w1'], attendance }]);

    // Assess
    expect(section).toEqual({ meetings: 1, attendance: 6, uniqueAttendees: 6, facilitationMinutes: 90 });
  });

  it('counts attendance per meeting, unique attendees once, absences not at all, co-facilitators each', () => {
    // Act
    const section = groupsSection([
      {
        minutes: 60,
        facilitators: ['w1', 'w2'],
        attendance: [
          { referralId: 'a', present: true },
          { referralId: 'b', present: false },
        ],
      },
      {
        minutes: 30,
        facilitators: ['w1'],
        attendance: [
          { referralId: 'a', present: true },
          { referralId: 'c', present: true },
        ],
      },
    ]);

    // Assess
    expect(section).toEqual({ meetings: 2, attendance: 3, uniqueAttendees: 2, facilitationMinutes: 150 });
  });

  it('pays each facilitator a meeting once per month', () => {
    // Act
    const paid = facilitationByWorkerMonth([
      { date: '2026-03-05', minutes: 90, facilitators: ['w1', 'w2'] },
      { date: '2026-03-19', minutes: 60, facilitators: ['w1'] },
      { date: '2026-04-02', minutes: 90, facilitators: ['w1'] },
    ]);

    // Assess
    expect(paid).toEqual([
      { workerId: 'w1', month: '2026-03', minutes: 150 },
      { workerId: 'w2', month: '2026-03', minutes: 90 },
      { workerId: 'w1', month: '2026-04', minutes: 90 },
    ]);
  });
});

describe('the resources section', () => {
  it('counts links by category, the ones that connected and the ones still connected', () => {
    // Act
    const section = resourcesSection([
      { category: 'FOOD', connectedAt: '2026-03-01T00:00:00Z', stillConnectedAt: '2026-04-01T00:00:00Z' },
      { category: 'FOOD', connectedAt: '2026-03-01T00:00:00Z' },
      { category: 'FOOD' },
      { category: 'ARTS' },
    ]);

    // Assess
    expect(section).toEqual({
      links: 4,
      byCategory: {
        FOOD: { links: 3, connected: 2, stillConnected: 1 },
        ARTS: { links: 1, connected: 0, stillConnected: 0 },
      },
      connected: 2,
      stillConnected: 1,
    });
  });
});
