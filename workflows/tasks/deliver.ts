import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createStore } from '#data/store.ts';
import { ProgramRegionSchema } from '#domain/roles.ts';
import { timersFromEnv } from '#domain/settings.ts';
import { type DeliveryDeps, deliverOne, type SweepReport, sweep } from '#services/deliveries.ts';
import { cloudAdapters } from './delivery-adapters.ts';
import { cloudDirectory, jsonLog } from './deps.ts';

/**
 * The delivery Lambdas. `handler` reads the table's stream (the infra filters it to INSERTs of DELIVERY
 * items) and sends each new delivery at once; `sweepHandler` runs every minute: retries, digests,
 * escalations. Env: TABLE_NAME, PROGRAM_REGION, USER_POOL_ID, PAGES_URL, TIMERS and the adapters' own
 * (MAIL_FROM, MAIL_CONFIGURATION_SET, OPS_TOPIC_ARN).
 */

let cached: DeliveryDeps | undefined;

export function cloudDeliveryDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DeliveryDeps {
  if (cached) return cached;
  const region = ProgramRegionSchema.parse(env.PROGRAM_REGION);
  cached = {
    store: createStore({ region, ...(env.TABLE_NAME ? { tableName: env.TABLE_NAME } : {}) }),
    directory: cloudDirectory(region, env),
    ...cloudAdapters(env),
    pagesUrl: env.PAGES_URL ?? '',
    timers: timersFromEnv(env),
    log: jsonLog,
  };
  return cached;
}

/** The ids of the new, immediate deliveries in a stream batch (digest ones wait for their hour). */
export function newDeliveryIds(event: DynamoDBStreamEvent): { id: string; sequence: string }[] {
  return event.Records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image?.type?.S !== 'DELIVERY' || image.digest?.BOOL) return [];
    const id = image.id?.S;
    return id ? [{ id, sequence: record.dynamodb?.SequenceNumber ?? '' }] : [];
  });
}

/**
 * Sends each new delivery. A failed send is recorded on the delivery (FAILED, retried by the sweep); only a
 * failure to reach the table is reported back as a batch item failure, so the stream retries from there.
 */
export async function deliverBatch(
  deps: DeliveryDeps,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  for (const { id, sequence } of newDeliveryIds(event)) {
    try {
      await deliverOne(deps, id);
    } catch (error) {
      deps.log({ msg: 'delivery not recorded', deliveryId: id, error: (error as Error).name });
      return { batchItemFailures: [{ itemIdentifier: sequence }] };
    }
  }
  return { batchItemFailures: [] };
}

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  deliverBatch(cloudDeliveryDeps(), event);

export const sweepHandler = async (): Promise<SweepReport> => {
  const deps = cloudDeliveryDeps();
  const report = await sweep(deps);
  deps.log({ msg: 'delivery sweep', ...report });
  return report;
};
