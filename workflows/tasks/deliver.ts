/**
 * PLACEHOLDER — NOT THE DELIVERY WORKER. It exists only so that `cdk synth` (infra/constructs/delivery.ts)
 * has an entry to bundle on the w-alerts-edge branch. The lead replaces this file with CORE's
 * `workflows/tasks/deliver.ts` (w-alerts-core) on merge; nothing here may be kept.
 */

/** The DynamoDB Streams batch handler (INSERTs of DELIVERY items). Not built on this branch. */
export const handler = async (_event: unknown): Promise<never> => {
  throw new Error('not built yet');
};

/** The one-minute sweep (retries, the 08:00 digest, escalation). Not built on this branch. */
export const sweepHandler = async (_event: unknown): Promise<never> => {
  throw new Error('not built yet');
};
