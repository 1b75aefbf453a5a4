import { describe, expect, it } from 'vitest';
import type { TransitionInput } from '#data/referrals/transition.ts';
import { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';
import { EVENTS, type LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import { planTransition, type TransitionCommand } from '#domain/transition-plan.ts';

const NOW = '2024-05-01T17:00:00.000Z';
const coordinator = { sub: 'coord-1', role: Role.COORDINATOR };
const clinician = { sub: 'clin-1', role: Role.CLINICIAN };
const peerWorker = { sub: 'w-1', role: Role.PEER_WORKER };

describe('planTransition', () => {
  it('moves the stage, stamps the times and always takes the wait token off', () => {
    // Act
    const plan = planTransition({ stage: Stage.REFERRED }, { event: 'accept' }, coordinator, NOW);

    // Assess
    expect(plan).toEqual({
      from: Stage.REFERRED,
      to: Stage.AWAITING_MATCH,
      set: { stage: Stage.AWAITING_MATCH, updatedAt: NOW, stageEnteredAt: NOW },
      remove: ['waitToken', 'waitStage'],
      audit: { event: 'accept', from: Stage.REFERRED, to: Stage.AWAITING_MATCH },
      leavesOpen: false,
    });
  });

  it('refuses an event the lifecycle table does not allow from the stage or for the role', () => {
    expect(() =>
      planTransition({ stage: Stage.REFERRED }, { event: 'goalsAchieved' }, peerWorker, NOW),
    ).toThrow(IllegalTransitionError);
    expect(() => planTransition({ stage: Stage.REFERRED }, { event: 'accept' }, clinician, NOW)).toThrow(
      IllegalTransitionError,
    );
  });

  it('takes the worker slot on match and records matchedAt', () => {
    // Act
    const plan = planTransition(
      { stage: Stage.AWAITING_MATCH },
      { event: 'match', workerId: 'w-9' },
      coordinator,
      NOW,
    );

    // Assess
    expect(plan.take).toEqual({ workerId: 'w-9' });
    expect(plan.release).toBeUndefined();
    expect(plan.set).toMatchObject({ stage: Stage.GOAL_SETTING, workerId: 'w-9', matchedAt: NOW });
    expect(plan.audit.workerId).toBe('w-9');
  });

  it('moves the slot on reassign, keeping the stage and the reason on the new assignment', () => {
    // Act
    const plan = planTransition(
      { stage: Stage.ON_HOLD, workerId: 'w-1' },
      { event: 'reassign', workerId: 'w-2', reason: 'Worker on leave' },
      coordinator,
      NOW,
    );

    // Assess
    expect(plan.take).toEqual({ workerId: 'w-2', reason: 'Worker on leave' });
    expect(plan.release).toEqual({ workerId: 'w-1' });
    expect(plan.set).toEqual({ stage: Stage.ON_HOLD, updatedAt: NOW, workerId: 'w-2', reassignedAt: NOW });
    expect(plan.audit).toMatchObject({ workerId: 'w-2', previousWorkerId: 'w-1' });
  });

  it('refuses a reassign to the worker who already has the client, and a match without a worker', () => {
    expect(() =>
      planTransition(
        { stage: Stage.IN_SESSIONS, workerId: 'w-1' },
        { event: 'reassign', workerId: 'w-1' },
        coordinator,
        NOW,
      ),
    ).toThrow(DomainValidationError);
    expect(() =>
      planTransition({ stage: Stage.AWAITING_MATCH }, { event: 'match', workerId: ' ' }, coordinator, NOW),
    ).toThrow(DomainValidationError);
  });

  it('closes with reason and summary, frees the slot and leaves the open stages', () => {
    // Act
    const plan = planTransition(
      { stage: Stage.IN_SESSIONS, workerId: 'w-1' },
      { event: 'close', reason: 'MOVED', summary: 'Moved to Alberta' },
      coordinator,
      NOW,
    );

    // Assess
    expect(plan.leavesOpen).toBe(true);
    expect(plan.release).toEqual({ workerId: 'w-1' });
    expect(plan.set).toMatchObject({
      stage: Stage.CLOSED,
      closure: { reason: 'MOVED', summary: 'Moved to Alberta', closedBy: coordinator.sub },
      closedAt: NOW,
    });
    expect(plan.audit).toEqual({
      event: 'close',
      from: Stage.IN_SESSIONS,
      to: Stage.CLOSED,
      previousWorkerId: 'w-1',
      reasonCode: 'MOVED',
    });
  });

  it('keeps free text out of the audit: only reason codes', () => {
    // Act
    const plan = planTransition(
      { stage: Stage.REFERRED },
      { event: 'decline', reason: 'OUTSIDE_REGION', summary: 'Lives in Surrey' },
      coordinator,
      NOW,
    );

    // Assess
    expect(plan.set.declinedReason).toEqual({
      reason: 'OUTSIDE_REGION',
      summary: 'Lives in Surrey',
      declinedBy: coordinator.sub,
    });
    expect(JSON.stringify(plan.audit)).not.toContain('Surrey');
    expect(plan.leavesOpen).toBe(true);
  });

  it('refuses a close or decline whose reason is not one of its codes, or whose summary is blank', () => {
    const closeWith = (command: unknown) => () =>
      planTransition({ stage: Stage.REFERRED }, command as TransitionCommand, coordinator, NOW);
    expect(closeWith({ event: 'close', reason: 'BORED', summary: 'x' })).toThrow(DomainValidationError);
    expect(closeWith({ event: 'close', reason: 'MOVED', summary: '  ' })).toThrow(DomainValidationError);
    expect(closeWith({ event: 'close', reason: 'MOVED' })).toThrow(DomainValidationError);
    expect(closeWith({ event: 'decline', reason: 'MOVED', summary: 'x' })).toThrow(DomainValidationError);
    expect(closeWith({ event: 'decline', reason: 'INELIGIBLE' })).toThrow(DomainValidationError);
  });

  it('keeps a withdrawal reason as the closure summary with the code WITHDRAWN', () => {
    // Act
    const plan = planTransition(
      { stage: Stage.AWAITING_MATCH },
      { event: 'withdraw', reason: 'Client prefers another program' },
      clinician,
      NOW,
    );

    // Assess
    expect(plan.set.closure).toEqual({
      reason: 'WITHDRAWN',
      summary: 'Client prefers another program',
      closedBy: clinician.sub,
    });
    expect(plan.audit.reasonCode).toBe('WITHDRAWN');
    expect(plan.release).toBeUndefined();
    expect(() =>
      planTransition({ stage: Stage.REFERRED }, { event: 'withdraw', reason: '' }, clinician, NOW),
    ).toThrow(DomainValidationError);
  });

  it('keeps the hold reason, and removes it with a resume stamp', () => {
    // Act
    const held = planTransition(
      { stage: Stage.IN_SESSIONS, workerId: 'w-1' },
      { event: 'hold', reason: 'In hospital' },
      peerWorker,
      NOW,
    );
    const resumed = planTransition(
      { stage: Stage.ON_HOLD, workerId: 'w-1' },
      { event: 'resume' },
      peerWorker,
      NOW,
    );

    // Assess
    expect(held.set.holdReason).toBe('In hospital');
    expect(resumed.set.resumedAt).toBe(NOW);
    expect(resumed.remove).toEqual(['waitToken', 'waitStage', 'holdReason']);
    expect(() =>
      planTransition({ stage: Stage.IN_SESSIONS }, { event: 'hold', reason: ' ' }, coordinator, NOW),
    ).toThrow(DomainValidationError);
  });

  it('hands the goals to create on setGoals', () => {
    // Act
    const goals = [{ title: 'Cook a meal' }];
    const plan = planTransition(
      { stage: Stage.GOAL_SETTING, workerId: 'w-1' },
      { event: 'setGoals', goals },
      peerWorker,
      NOW,
    );

    // Assess
    expect(plan.goals).toEqual(goals);
    expect(plan.to).toBe(Stage.IN_SESSIONS);
  });
});

// --- what the types refuse (checked by `tsc --noEmit`, not at run time) ---------------------------------

describe('TransitionCommand types', () => {
  it('names every lifecycle event, and each event carries what it needs', () => {
    // Every event has a variant: a new event without one fails to compile here.
    const everyEvent: Record<LifecycleEvent, TransitionCommand['event']> = Object.fromEntries(
      EVENTS.map((event) => [event, event]),
    ) as { [E in LifecycleEvent]: E };
    expect(Object.keys(everyEvent).sort()).toEqual([...EVENTS].sort());

    const refused: unknown[] = [
      // @ts-expect-error a close needs its summary
      { event: 'close', reason: 'MOVED' } satisfies TransitionCommand,
      // @ts-expect-error a close reason is a closure code
      { event: 'close', reason: 'BORED', summary: 'x' } satisfies TransitionCommand,
      // @ts-expect-error a decline needs its reason
      { event: 'decline', summary: 'Outside the program criteria' } satisfies TransitionCommand,
      // @ts-expect-error a match needs the worker
      { event: 'match' } satisfies TransitionCommand,
      // @ts-expect-error a hold needs its reason
      { event: 'hold' } satisfies TransitionCommand,
      // @ts-expect-error setGoals needs the goals
      { event: 'setGoals' } satisfies TransitionCommand,
      // @ts-expect-error a withdrawal needs the clinician's reason
      { event: 'withdraw' } satisfies TransitionCommand,
    ];
    const input = (value: TransitionInput) => value;
    const actor = coordinator;
    // @ts-expect-error the data layer's input is the same union: a close without summary does not compile
    refused.push(input({ referralId: 'r', actor, event: 'close', reason: 'MOVED' }));
    // @ts-expect-error nor a decline without its reason
    refused.push(input({ referralId: 'r', actor, event: 'decline', summary: 'x' }));
    refused.push(input({ referralId: 'r', actor, event: 'close', reason: 'MOVED', summary: 'Moved away' }));
    expect(refused).toHaveLength(10);
  });
});
