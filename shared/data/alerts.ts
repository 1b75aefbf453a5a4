import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainValidationError } from '#domain/errors.ts';
import type { AlertKind, Stage } from '#domain/lifecycle.ts';
import { isInformational } from '#domain/notifications.ts';
import {
  addSeconds,
  epochSeconds,
  getItem,
  iso,
  newId,
  type Page,
  type PageOptions,
  queryPage,
  withoutInternals,
} from './common.ts';
import { NotFoundError } from './errors.ts';
import { conditionFailedItem, isConditionalCheckFailed, storeCall } from './failures.ts';
import { IndexKeys, ItemType, Keys, SK } from './keys.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, updateParams } from './tx.ts';

/** Acknowledged alerts are kept this long, then expire (TTL). Unacknowledged ones never expire. */
export const ALERT_RETENTION_SECONDS = 90 * 24 * 60 * 60;

/** An alert to an audience (`Audience.coordinators(region)` or `Audience.user(sub)`). Ids and codes only. */
export interface Alert {
  id: string;
  audience: string;
  kind: AlertKind;
  referralId?: string;
  stage?: Stage;
  /** e.g. a concern's `URGENT` / `ROUTINE`. */
  level?: string;
  /** Ids and codes only (validated: no spaces, so no sentences). */
  details?: Record<string, string | number>;
  createdAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** Epoch seconds: set on acknowledgement (90 days on), never before. */
  expiresAt?: number;
  /** Each delivery's state by `<recipientSub>#<channel>` (kept in step with the delivery items). */
  deliveries?: Record<string, string>;
  /** When an unacknowledged URGENT concern was escalated. */
  escalatedAt?: string;
  version: number;
}

export interface AlertInput {
  audience: string;
  kind: AlertKind;
  referralId?: string;
  stage?: Stage;
  level?: string;
  details?: Record<string, string | number>;
  /** A caller-chosen id makes the put idempotent (a retried workflow task does not alert twice). */
  id?: string;
}

/** Values an alert may carry: ids, codes, stages, ISO dates and numbers; never free text. */
const CODE_LIKE = /^[A-Za-z0-9_:.+-]{0,128}$/;

function checkCodes(input: AlertInput): void {
  const issues: { path: string; message: string }[] = [];
  const check = (path: string, value: unknown) => {
    if (typeof value === 'string' && !CODE_LIKE.test(value))
      issues.push({ path, message: 'Must be an id or code' });
  };
  check('level', input.level);
  for (const [key, value] of Object.entries(input.details ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(key)) issues.push({ path: 'details', message: 'Invalid key' });
    check(`details.${key}`, value);
  }
  if (issues.length > 0) throw new DomainValidationError('Alerts carry ids and codes only', issues);
}

function toAlert(item: Record<string, unknown>): Alert {
  const { expiresAt } = item as { expiresAt?: number };
  return { ...withoutInternals<Alert>(item), ...(expiresAt !== undefined ? { expiresAt } : {}) };
}

/**
 * The alert and its table item, for a put or a transaction. STAGE_CHANGED is information: it never enters
 * the unacknowledged index, so it is never counted as needing action.
 */
export function alertItem(
  store: Store,
  input: AlertInput,
  extra: { deliveries?: Record<string, string> } = {},
): { alert: Alert; item: Record<string, unknown> } {
  checkCodes(input);
  const id = input.id ?? newId(store);
  const alert: Alert = {
    id,
    audience: input.audience,
    kind: input.kind,
    ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.level !== undefined ? { level: input.level } : {}),
    ...(input.details !== undefined ? { details: input.details } : {}),
    createdAt: iso(store.now()),
    ...(extra.deliveries !== undefined ? { deliveries: extra.deliveries } : {}),
    version: 1,
  };
  const item = {
    ...Keys.alert(input.audience, id),
    type: ItemType.ALERT,
    ...(isInformational(input.kind)
      ? {}
      : { gsi1pk: IndexKeys.unacknowledgedAlerts(input.audience), gsi1sk: id }),
    ...alert,
  };
  return { alert, item };
}

/** Writes one alert (no deliveries); a second put of the same id returns the first. */
export async function putAlert(store: Store, input: AlertInput): Promise<Alert> {
  const { alert, item } = alertItem(store, input);
  try {
    await storeCall(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return alert;
  } catch (error) {
    const existing = isConditionalCheckFailed(error) ? conditionFailedItem(error) : undefined;
    if (existing) return toAlert(existing);
    throw error;
  }
}

export interface ListAlertsOptions extends PageOptions {
  unacknowledgedOnly?: boolean;
  /** Only this kind (a filter on the page read: a page may come back shorter than `limit`). */
  kind?: AlertKind;
}

/** An audience's alerts, newest first (unacknowledged only: from the sparse GSI1 partition). */
export async function listAlerts(
  store: Store,
  audience: string,
  options: ListAlertsOptions = {},
): Promise<Page<Alert>> {
  const byKind =
    options.kind !== undefined
      ? { FilterExpression: '#kind = :kind', ExpressionAttributeNames: { '#kind': 'kind' } }
      : {};
  const kindValue = options.kind !== undefined ? { ':kind': options.kind } : {};
  const page = options.unacknowledgedOnly
    ? await queryPage(
        store,
        {
          IndexName: INDEX.GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': IndexKeys.unacknowledgedAlerts(audience), ...kindValue },
          ...byKind,
          ScanIndexForward: false,
        },
        options,
        { attribute: 'gsi1pk', value: IndexKeys.unacknowledgedAlerts(audience) },
      )
    : await queryPage(
        store,
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': Keys.alertPartition(audience),
            ':prefix': SK.ALERT_PREFIX,
            ...kindValue,
          },
          ...byKind,
          ScanIndexForward: false,
        },
        options,
        { attribute: 'pk', value: Keys.alertPartition(audience) },
      );
  return { ...page, items: page.items.map(toAlert) };
}

export async function getAlert(store: Store, audience: string, alertId: string): Promise<Alert> {
  const item = await getItem(store, Keys.alert(audience, alertId));
  if (!item) throw new NotFoundError('Alert', alertId);
  return toAlert(item);
}

/**
 * Acknowledges an alert of the audience (an id of another audience is simply not found). Acknowledging
 * twice is harmless: the first acknowledgement stands.
 */
export async function ackAlert(store: Store, audience: string, alertId: string, by: string): Promise<Alert> {
  const now = store.now();
  try {
    const out = await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: Keys.alert(audience, alertId),
          ...updateParams(
            {
              set: {
                acknowledgedAt: iso(now),
                acknowledgedBy: by,
                expiresAt: epochSeconds(addSeconds(now, ALERT_RETENTION_SECONDS)),
              },
              increment: { version: 1 },
              remove: ['gsi1pk', 'gsi1sk'],
            },
            cond.and(cond.exists(), cond.absent('acknowledgedAt')),
          ),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return toAlert(out.Attributes ?? {});
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = conditionFailedItem(error);
    if (!existing) throw new NotFoundError('Alert', alertId, { cause: error });
    return toAlert(existing);
  }
}
