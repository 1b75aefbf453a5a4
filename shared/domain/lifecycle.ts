import * as z from 'zod/mini';
import { IllegalTransitionError } from './errors.ts';
import { Role } from './roles.ts';

/**
 * The referral lifecycle as data. This file is the only place a stage name is spelled:
 * everything else (API, state machine, pages, tests) refers to `Stage.X` or reads `TRANSITIONS`.
 */
export const Stage = {
  REFERRED: 'REFERRED',
  AWAITING_MATCH: 'AWAITING_MATCH',
  GOAL_SETTING: 'GOAL_SETTING',
  IN_SESSIONS: 'IN_SESSIONS',
  ON_HOLD: 'ON_HOLD',
  GOALS_ACHIEVED: 'GOALS_ACHIEVED',
  CLOSED: 'CLOSED',
  DECLINED: 'DECLINED',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];
export const STAGES = Object.values(Stage) as [Stage, ...Stage[]];
export const StageSchema = z.enum(STAGES);

/** Stages a referral can still move out of. */
export const OPEN_STAGES: readonly Stage[] = [
  Stage.REFERRED,
  Stage.AWAITING_MATCH,
  Stage.GOAL_SETTING,
  Stage.IN_SESSIONS,
  Stage.ON_HOLD,
  Stage.GOALS_ACHIEVED,
];
export const FINAL_STAGES: readonly Stage[] = [Stage.CLOSED, Stage.DECLINED];
/** Stages in which a worker is assigned (holds a caseload slot). */
export const ASSIGNED_STAGES: readonly Stage[] = [
  Stage.GOAL_SETTING,
  Stage.IN_SESSIONS,
  Stage.ON_HOLD,
  Stage.GOALS_ACHIEVED,
];
/** Stages in which the matched worker may log or correct sessions. */
export const SESSION_STAGES: readonly Stage[] = [Stage.GOAL_SETTING, Stage.IN_SESSIONS];
/** Stages in which the referring clinician may still correct the referral. */
export const CLINICIAN_EDITABLE_STAGES: readonly Stage[] = [Stage.REFERRED, Stage.AWAITING_MATCH];

export const isOpen = (stage: Stage): boolean => OPEN_STAGES.includes(stage);
export const isAssigned = (stage: Stage): boolean => ASSIGNED_STAGES.includes(stage);

export const EVENTS = [
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
] as const;
export const EventSchema = z.enum(EVENTS);
export type LifecycleEvent = z.infer<typeof EventSchema>;

export interface Transition {
  from: Stage;
  event: LifecycleEvent;
  to: Stage;
  roles: readonly Role[];
  /** What the transition does to the worker's caseload slot. */
  assignment?: 'take' | 'move' | 'release';
}

const staff = [Role.COORDINATOR, Role.ADMIN] as const;
const worker = [Role.PEER_WORKER] as const;

const closeFromEveryOpenStage: Transition[] = OPEN_STAGES.map((from) => ({
  from,
  event: 'close',
  to: Stage.CLOSED,
  roles: staff,
  ...(isAssigned(from) ? { assignment: 'release' as const } : {}),
}));

const withdrawFromEveryOpenStage: Transition[] = OPEN_STAGES.map((from) => ({
  from,
  event: 'withdraw',
  to: Stage.CLOSED,
  roles: [Role.CLINICIAN],
  ...(isAssigned(from) ? { assignment: 'release' as const } : {}),
}));

const reassignWhileAssigned: Transition[] = [Stage.GOAL_SETTING, Stage.IN_SESSIONS, Stage.ON_HOLD].map(
  (from) => ({ from, event: 'reassign', to: from, roles: staff, assignment: 'move' as const }),
);

/** Every allowed `{from, event, to, roles}`; anything not listed is refused. */
export const TRANSITIONS: readonly Transition[] = [
  { from: Stage.REFERRED, event: 'accept', to: Stage.AWAITING_MATCH, roles: staff },
  { from: Stage.REFERRED, event: 'decline', to: Stage.DECLINED, roles: staff },
  { from: Stage.AWAITING_MATCH, event: 'match', to: Stage.GOAL_SETTING, roles: staff, assignment: 'take' },
  { from: Stage.GOAL_SETTING, event: 'setGoals', to: Stage.IN_SESSIONS, roles: worker },
  { from: Stage.IN_SESSIONS, event: 'hold', to: Stage.ON_HOLD, roles: [...staff, ...worker] },
  { from: Stage.ON_HOLD, event: 'resume', to: Stage.IN_SESSIONS, roles: [...staff, ...worker] },
  { from: Stage.IN_SESSIONS, event: 'goalsAchieved', to: Stage.GOALS_ACHIEVED, roles: worker },
  ...reassignWhileAssigned,
  ...closeFromEveryOpenStage,
  ...withdrawFromEveryOpenStage,
];

export function findTransition(from: Stage, event: LifecycleEvent): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.event === event);
}

/**
 * The next stage for `event` from `from`, or `IllegalTransitionError`.
 * With `role`, also refuses a role the row does not list.
 */
export function nextStage(from: Stage, event: LifecycleEvent, role?: Role): Stage {
  const transition = findTransition(from, event);
  if (!transition) throw new IllegalTransitionError(from, event);
  if (role !== undefined && !transition.roles.includes(role)) throw new IllegalTransitionError(from, event);
  return transition.to;
}

/** Events that may be sent from a stage, optionally for one role (pages use this to show actions). */
export function eventsFrom(from: Stage, role?: Role): LifecycleEvent[] {
  return TRANSITIONS.filter((t) => t.from === from && (role === undefined || t.roles.includes(role))).map(
    (t) => t.event,
  );
}

/** Roles that may ever send an event, from any stage (the API's 403 check before a body is read). */
export function rolesFor(event: LifecycleEvent): Role[] {
  return [...new Set(TRANSITIONS.filter((t) => t.event === event).flatMap((t) => t.roles))];
}

/**
 * Each open stage waits for a person; each wait has a timer from the region settings and an alert
 * when it runs out. The state machine is built from this table.
 */
export const TIMERS = ['triage', 'match', 'goals', 'noSession', 'closure', 'holdReview'] as const;
export type TimerName = (typeof TIMERS)[number];

export const ALERT_KINDS = [
  'TRIAGE_OVERDUE',
  'MATCH_OVERDUE',
  'GOALS_NOT_SET',
  'NO_SESSION',
  'CLOSURE_NOT_CONFIRMED',
  'HOLD_REVIEW_DUE',
  'DEBRIEF_REQUESTED',
  'DEBRIEF_OVERDUE',
  'CONSENT_EXPIRING',
  'CONCERN_RAISED',
  'STAGE_CHANGED',
  'NEW_REFERRAL',
  'MATCH_MADE',
  'NEW_CLIENT',
  'CLIENT_REASSIGNED',
  'REFERRAL_CLOSED',
  'REFERRAL_DECLINED',
  'POSSIBLE_DUPLICATE',
  /** A worker marked the client's goals achieved: the coordinators confirm the closure. */
  'GOALS_ACHIEVED',
  // Issue 16: a link to a community resource with no update for 4 weeks (to the worker).
  'LINK_FOLLOW_UP_DUE',
  // the workforce (issue 17)
  'TRAINING_EXPIRING',
  'CONTRACT_ENDING',
  'HOURS_NEAR_LIMIT',
  'SUPERVISION_DUE',
] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

export interface Wait {
  stage: Stage;
  /** The name of the state-machine step (also the `resumeAt` value). */
  step: string;
  timer: TimerName;
  overdueAlert: AlertKind;
}

export const WAITS: readonly Wait[] = [
  { stage: Stage.REFERRED, step: 'Triage', timer: 'triage', overdueAlert: 'TRIAGE_OVERDUE' },
  { stage: Stage.AWAITING_MATCH, step: 'Match', timer: 'match', overdueAlert: 'MATCH_OVERDUE' },
  { stage: Stage.GOAL_SETTING, step: 'GoalSetting', timer: 'goals', overdueAlert: 'GOALS_NOT_SET' },
  { stage: Stage.IN_SESSIONS, step: 'Sessions', timer: 'noSession', overdueAlert: 'NO_SESSION' },
  { stage: Stage.ON_HOLD, step: 'OnHold', timer: 'holdReview', overdueAlert: 'HOLD_REVIEW_DUE' },
  {
    stage: Stage.GOALS_ACHIEVED,
    step: 'ClosureConfirmation',
    timer: 'closure',
    overdueAlert: 'CLOSURE_NOT_CONFIRMED',
  },
];

export function waitFor(stage: Stage): Wait | undefined {
  return WAITS.find((w) => w.stage === stage);
}
