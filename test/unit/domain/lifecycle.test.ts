import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '#domain/errors.ts';
import {
  ASSIGNED_STAGES,
  EVENTS,
  eventsFrom,
  FINAL_STAGES,
  findTransition,
  type LifecycleEvent,
  nextStage,
  OPEN_STAGES,
  rolesFor,
  STAGES,
  Stage,
  TRANSITIONS,
  WAITS,
  waitFor,
} from '#domain/lifecycle.ts';
import { ROLES, Role } from '#domain/roles.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';

/*
 * The expected lifecycle, written out by hand from DESIGN.md ("The lifecycle" and the API table), not read
 * from TRANSITIONS: if the table drifts from the design, these tests fail.
 */
const COORDINATOR_OR_ADMIN = [Role.COORDINATOR, Role.ADMIN];
const WORKER = [Role.PEER_WORKER];
const STAFF_OR_WORKER = [Role.COORDINATOR, Role.ADMIN, Role.PEER_WORKER];
const CLINICIAN = [Role.CLINICIAN];

type Expected = { to: Stage; roles: Role[]; assignment?: 'take' | 'move' | 'release' };
const EXPECTED: Record<Stage, Partial<Record<LifecycleEvent, Expected>>> = {
  [Stage.REFERRED]: {
    accept: { to: Stage.AWAITING_MATCH, roles: COORDINATOR_OR_ADMIN },
    decline: { to: Stage.DECLINED, roles: COORDINATOR_OR_ADMIN },
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN },
  },
  [Stage.AWAITING_MATCH]: {
    match: { to: Stage.GOAL_SETTING, roles: COORDINATOR_OR_ADMIN, assignment: 'take' },
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN },
  },
  [Stage.GOAL_SETTING]: {
    setGoals: { to: Stage.IN_SESSIONS, roles: WORKER },
    reassign: { to: Stage.GOAL_SETTING, roles: COORDINATOR_OR_ADMIN, assignment: 'move' },
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN, assignment: 'release' },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN, assignment: 'release' },
  },
  [Stage.IN_SESSIONS]: {
    hold: { to: Stage.ON_HOLD, roles: STAFF_OR_WORKER },
    goalsAchieved: { to: Stage.GOALS_ACHIEVED, roles: WORKER },
    reassign: { to: Stage.IN_SESSIONS, roles: COORDINATOR_OR_ADMIN, assignment: 'move' },
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN, assignment: 'release' },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN, assignment: 'release' },
  },
  [Stage.ON_HOLD]: {
    resume: { to: Stage.IN_SESSIONS, roles: STAFF_OR_WORKER },
    reassign: { to: Stage.ON_HOLD, roles: COORDINATOR_OR_ADMIN, assignment: 'move' },
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN, assignment: 'release' },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN, assignment: 'release' },
  },
  [Stage.GOALS_ACHIEVED]: {
    close: { to: Stage.CLOSED, roles: COORDINATOR_OR_ADMIN, assignment: 'release' },
    withdraw: { to: Stage.CLOSED, roles: CLINICIAN, assignment: 'release' },
  },
  [Stage.CLOSED]: {},
  [Stage.DECLINED]: {},
};

const ALL_STAGES = Object.keys(EXPECTED) as Stage[];
const ALL_EVENTS: LifecycleEvent[] = [
  'accept',
  'decline',
  'match',
  'reassign',
  'setGoals',
  'hold',
  'resume',
  'goalsAchieved',
  'close',
  'withdraw',
];
const pairs = ALL_STAGES.flatMap((from) => ALL_EVENTS.map((event) => ({ from, event })));
const allowedPairs = pairs.filter(({ from, event }) => EXPECTED[from][event] !== undefined);
const refusedPairs = pairs.filter(({ from, event }) => EXPECTED[from][event] === undefined);

describe('lifecycle vocabulary', () => {
  it('has exactly the stages and events of the design', () => {
    // Prepare / Act
    const stages = [...STAGES].sort();
    const events = [...EVENTS].sort();

    // Assess
    expect(stages).toEqual([...ALL_STAGES].sort());
    expect(events).toEqual([...ALL_EVENTS].sort());
  });

  it('treats CLOSED and DECLINED as the only final stages, and the rest as open', () => {
    expect([...FINAL_STAGES].sort()).toEqual([Stage.CLOSED, Stage.DECLINED].sort());
    expect([...OPEN_STAGES].sort()).toEqual(
      [
        Stage.REFERRED,
        Stage.AWAITING_MATCH,
        Stage.GOAL_SETTING,
        Stage.IN_SESSIONS,
        Stage.ON_HOLD,
        Stage.GOALS_ACHIEVED,
      ].sort(),
    );
  });

  it('holds a caseload slot exactly from the match until the referral leaves GOALS_ACHIEVED', () => {
    expect([...ASSIGNED_STAGES].sort()).toEqual(
      [Stage.GOAL_SETTING, Stage.IN_SESSIONS, Stage.ON_HOLD, Stage.GOALS_ACHIEVED].sort(),
    );
  });
});

describe('nextStage over every (stage × event) pair', () => {
  it('covers all 80 pairs, 22 of them allowed', () => {
    expect(pairs).toHaveLength(80);
    expect(allowedPairs).toHaveLength(22);
    expect(TRANSITIONS).toHaveLength(22);
  });

  it.each(allowedPairs)('moves $from on $event to the designed stage', ({ from, event }) => {
    // Act
    const to = nextStage(from, event);

    // Assess
    expect(to).toBe(EXPECTED[from][event]?.to);
  });

  it.each(refusedPairs)('refuses $event from $from with IllegalTransitionError', ({ from, event }) => {
    // Act
    const act = () => nextStage(from, event);

    // Assess
    expect(act).toThrow(IllegalTransitionError);
  });

  it('names the stage and the event in the error, and nothing else', () => {
    // Act
    let error: unknown;
    try {
      nextStage(Stage.CLOSED, 'resume');
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect((error as IllegalTransitionError).from).toBe(Stage.CLOSED);
    expect((error as IllegalTransitionError).event).toBe('resume');
  });
});

describe('roles', () => {
  const triples = allowedPairs.flatMap(({ from, event }) => ROLES.map((role) => ({ from, event, role })));

  it.each(triples)(
    'lets $role send $event from $from only if the design says so',
    ({ from, event, role }) => {
      // Prepare
      const expected = EXPECTED[from][event]!;

      // Act
      const act = () => nextStage(from, event, role);

      // Assess
      if (expected.roles.includes(role)) expect(act()).toBe(expected.to);
      else expect(act).toThrow(IllegalTransitionError);
    },
  );

  it('refuses a clinician closing, a worker matching and a coordinator setting goals', () => {
    expect(() => nextStage(Stage.IN_SESSIONS, 'close', Role.CLINICIAN)).toThrow(IllegalTransitionError);
    expect(() => nextStage(Stage.AWAITING_MATCH, 'match', Role.PEER_WORKER)).toThrow(IllegalTransitionError);
    expect(() => nextStage(Stage.GOAL_SETTING, 'setGoals', Role.COORDINATOR)).toThrow(IllegalTransitionError);
    expect(() => nextStage(Stage.REFERRED, 'withdraw', Role.COORDINATOR)).toThrow(IllegalTransitionError);
  });

  it('gives the API the roles that may ever send each event', () => {
    // Prepare
    const expected = (event: LifecycleEvent) =>
      [...new Set(ALL_STAGES.flatMap((stage) => EXPECTED[stage][event]?.roles ?? []))].sort();

    // Act / Assess
    for (const event of ALL_EVENTS) expect([...rolesFor(event)].sort()).toEqual(expected(event));
  });

  it('lists the actions a role may take from a stage', () => {
    expect(eventsFrom(Stage.IN_SESSIONS, Role.PEER_WORKER).sort()).toEqual(['goalsAchieved', 'hold']);
    expect(eventsFrom(Stage.REFERRED, Role.CLINICIAN)).toEqual(['withdraw']);
    expect(eventsFrom(Stage.ON_HOLD).sort()).toEqual(['close', 'reassign', 'resume', 'withdraw']);
    expect(eventsFrom(Stage.CLOSED)).toEqual([]);
  });
});

describe('final stages', () => {
  it.each([Stage.CLOSED, Stage.DECLINED])('allows no event at all from %s, for any role', (stage) => {
    for (const event of ALL_EVENTS) {
      expect(() => nextStage(stage, event)).toThrow(IllegalTransitionError);
      for (const role of ROLES) expect(() => nextStage(stage, event, role)).toThrow(IllegalTransitionError);
    }
    expect(eventsFrom(stage)).toEqual([]);
  });
});

describe('caseload assignment', () => {
  it.each(allowedPairs)('marks $event from $from with the designed caseload effect', ({ from, event }) => {
    // Act
    const transition = findTransition(from, event);

    // Assess
    expect(transition?.assignment).toBe(EXPECTED[from][event]?.assignment);
  });

  it.each([Stage.GOAL_SETTING, Stage.IN_SESSIONS, Stage.ON_HOLD])('reassign keeps the stage %s', (stage) => {
    expect(nextStage(stage, 'reassign', Role.COORDINATOR)).toBe(stage);
  });

  it('refuses reassign before a match and after goals are achieved', () => {
    for (const stage of [Stage.REFERRED, Stage.AWAITING_MATCH, Stage.GOALS_ACHIEVED]) {
      expect(() => nextStage(stage, 'reassign')).toThrow(IllegalTransitionError);
    }
  });
});

describe('waits', () => {
  it.each([
    Stage.REFERRED,
    Stage.AWAITING_MATCH,
    Stage.GOAL_SETTING,
    Stage.IN_SESSIONS,
    Stage.ON_HOLD,
    Stage.GOALS_ACHIEVED,
  ])('has a wait with a configured timer and an overdue alert for open stage %s', (stage) => {
    // Act
    const wait = waitFor(stage);

    // Assess
    expect(wait?.stage).toBe(stage);
    expect(wait?.step).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(DEFAULT_TIMERS[wait!.timer]).toBeGreaterThan(0);
    expect(wait?.overdueAlert).toBeTruthy();
  });

  it.each([Stage.CLOSED, Stage.DECLINED])('has no wait for final stage %s', (stage) => {
    expect(waitFor(stage)).toBeUndefined();
  });

  it('gives every wait its own step name, timer and alert', () => {
    expect(new Set(WAITS.map((w) => w.step)).size).toBe(WAITS.length);
    expect(new Set(WAITS.map((w) => w.timer)).size).toBe(WAITS.length);
    expect(new Set(WAITS.map((w) => w.overdueAlert)).size).toBe(WAITS.length);
    expect(WAITS).toHaveLength(6);
  });
});
