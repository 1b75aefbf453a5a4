import type { AlertKind } from '#domain/lifecycle.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import type { DirectoryUser, NewUser } from '#domain/users.ts';
import type { ClosedCause, WaitOutcome } from '#domain/workflow-contract.ts';

/**
 * The ports PeerPath's use cases need from the outside world. Each has a cloud adapter in shared/aws/
 * and a laptop one in local/:
 *
 * | port | cloud (shared/aws/) | local (local/) |
 * |---|---|---|
 * | WorkflowGateway | step-functions.ts | workflow-runner.ts |
 * | Notifier, EventPublisher | notifications.ts | notifications.ts |
 * | UserDirectory | cognito-directory.ts | user-directory.ts |
 * | Mailer | ses-mailer.ts | mail/smtp-mailer.ts |
 * | SmsSender | sns-sms.ts | mail/sms-file.ts |
 * | OpsChannel | ops-channel.ts | a console line |
 */

// --- the referral state machine ----------------------------------------------------------------------------

/**
 * How the API (and the waits themselves) drive the referral state machine. The cloud one calls Step
 * Functions; the local one is the `LocalWorkflowRunner`. A missing, stale or expired token is not an error:
 * the machine's next wait reads the referral's stage from the table and catches up.
 */
export interface WorkflowGateway {
  /** Starts the referral's execution, named by the referral id unless `executionName` is given. Idempotent. */
  start(referralId: string, region: string, opts?: StartOptions): Promise<void>;
  /** Completes a wait with the referral's new stage and the event that moved it. */
  succeed(taskToken: string, output: WaitOutcome): Promise<void>;
  /** Fails a wait: only `ReferralClosed` (an early close or a withdrawal), with a `ClosedCause`. */
  fail(taskToken: string, error: 'ReferralClosed', cause?: ClosedCause): Promise<void>;
}

export interface StartOptions {
  /** The wait's step to start at (an execution rebuilt from the table). */
  resumeAt?: string;
  executionName?: string;
  /**
   * The referral as the caller has just written or read it. Step Functions needs nothing of it (a reused
   * name is refused by the service); the local runner, which must emulate that refusal from the table after
   * a restart, then skips reading the referral again.
   */
  known?: { stage: string; executionName?: string | undefined };
}

// --- alerts leaving PeerPath -------------------------------------------------------------------------------

/**
 * What leaves PeerPath when an alert is raised. Both carry ids, codes and stages only: never a name, a note,
 * a summary or anything a person typed. The full alert (with its reason code) is the item in the table.
 */
export interface AlertMessage {
  alertId: string;
  kind: AlertKind;
  region: string;
  /** `coordinators` for the region's coordinators; `user` for one person (their id is in the table). */
  audienceType: 'coordinators' | 'user';
  referralId?: string;
  stage?: string;
  /** The lifecycle event behind the alert, when there is one. */
  event?: string;
}

/** Tells people an alert is waiting (SNS to the region's topic in the cloud; a console line locally). */
export interface Notifier {
  notify(message: AlertMessage): Promise<void>;
}

/** Publishes alerts as events for other systems (EventBridge in the cloud; a log or a list locally). */
export interface EventPublisher {
  publish(message: AlertMessage): Promise<void>;
}

// --- messages to people (the delivery worker's ports) --------------------------------------------------

/** One email; `deliveryId` is the delivery id (also the RFC 5322 Message-ID: `<deliveryId@peerpath>`). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  deliveryId: string;
}

/** Sends one email. Throws on refusal or when the server is down (the delivery stays PENDING and is retried). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export interface OutgoingSms {
  to: string;
  body: string;
  deliveryId: string;
}

export interface SmsSender {
  send(sms: OutgoingSms): Promise<void>;
}

/** The ops channel for escalations (the region's ops SNS topic in the cloud; a console line locally). */
export interface OpsChannel {
  escalate(message: { alertId: string; kind: string; region: string; referralId?: string }): Promise<void>;
}

// --- people's logins ---------------------------------------------------------------------------------------

export interface ListUsersQuery {
  region: ProgramRegion;
  role?: Role;
}

export interface UserDirectory {
  /** Creates a login in `region` with `role` as its only group; `UserExistsError` if the email is taken. */
  createUser(user: NewUser): Promise<{ sub: string }>;
  /** The region's users (of one role when given), ordered by family then given name. */
  listUsers(query: ListUsersQuery): Promise<DirectoryUser[]>;
}
