import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from './errors.ts';
import { type CancellationReason, cancellationReasons, toStoreError } from './failures.ts';
import type { ItemKey } from './keys.ts';
import type { Store } from './store.ts';

/**
 * The transaction engine: conditions, update expressions, and one `TransactWriteItems` whose cancellation
 * reasons (with the old items, ALL_OLD) are handed back so each caller can say which item failed and why.
 */

// ---------------------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------------------

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

function merge<T>(target: Record<string, T>, source: Record<string, T> | undefined, what: string): void {
  for (const [key, value] of Object.entries(source ?? {})) {
    if (key in target && target[key] !== value) throw new Error(`Conflicting ${what} placeholder ${key}`);
    target[key] = value;
  }
}

function combine(operator: 'AND' | 'OR', conditions: readonly Condition[]): Condition {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const condition of conditions) {
    merge(names, condition.names, 'name');
    merge(values, condition.values, 'value');
  }
  const expression =
    conditions.length === 1
      ? (conditions[0]?.expression ?? '')
      : conditions.map((c) => `(${c.expression})`).join(` ${operator} `);
  return { expression, names, values };
}

export const cond = {
  exists: (): Condition => ({ expression: 'attribute_exists(#pk)', names: { '#pk': 'pk' } }),
  notExists: (): Condition => ({ expression: 'attribute_not_exists(#pk)', names: { '#pk': 'pk' } }),
  versionIs: (version: number): Condition => ({
    expression: '#version = :expectedVersion',
    names: { '#version': 'version' },
    values: { ':expectedVersion': version },
  }),
  stageIs: (stage: string): Condition => ({
    expression: '#stage = :expectedStage',
    names: { '#stage': 'stage' },
    values: { ':expectedStage': stage },
  }),
  stageIn: (stages: readonly string[]): Condition => ({
    expression: `#stage IN (${stages.map((_, i) => `:allowedStage${i}`).join(', ')})`,
    names: { '#stage': 'stage' },
    values: Object.fromEntries(stages.map((stage, i) => [`:allowedStage${i}`, stage])),
  }),
  /** `attribute = value` with placeholders derived from `label` (unique within one expression). */
  equals: (attribute: string, value: unknown, label = attribute): Condition => ({
    expression: `#${label} = :${label}`,
    names: { [`#${label}`]: attribute },
    values: { [`:${label}`]: value },
  }),
  absent: (attribute: string, label = attribute): Condition => ({
    expression: `attribute_not_exists(#${label})`,
    names: { [`#${label}`]: attribute },
  }),
  raw: (expression: string, names?: Record<string, string>, values?: Record<string, unknown>): Condition => ({
    expression,
    ...(names ? { names } : {}),
    ...(values ? { values } : {}),
  }),
  and: (...conditions: Condition[]): Condition => combine('AND', conditions),
  or: (...conditions: Condition[]): Condition => combine('OR', conditions),
};

// ---------------------------------------------------------------------------------------------------------
// Update expressions (and the same change applied to a local copy, for returning the item after a write)
// ---------------------------------------------------------------------------------------------------------

export interface UpdateSpec {
  /** `SET #a = :v`; undefined values are skipped. */
  set?: Record<string, unknown>;
  /** `REMOVE #a`. */
  remove?: readonly string[];
  /** `SET #a = if_not_exists(#a, :v)`: written only when the attribute is absent. */
  setIfAbsent?: Record<string, unknown>;
  /** `SET #a = #a + :n` (the attribute must exist). */
  increment?: Record<string, number>;
  /** `ADD #a :n` (numbers): an absent attribute counts as 0, so it also works on a new item. */
  add?: Record<string, number>;
  /** `ADD #a :set` (string sets). */
  addToSet?: Record<string, readonly string[]>;
  /** `DELETE #a :set` (string sets). */
  deleteFromSet?: Record<string, readonly string[]>;
  /** `SET #a = list_append(if_not_exists(#a, :empty), :items)`. */
  append?: Record<string, readonly unknown[]>;
}

export interface UpdateParams {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export function updateParams(spec: UpdateSpec, condition?: Condition): UpdateParams {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let n = 0;
  const name = (attribute: string) => {
    const placeholder = `#u${n}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:u${n++}`;
    values[placeholder] = v;
    return placeholder;
  };
  const sets: string[] = [];
  for (const [attribute, v] of Object.entries(spec.set ?? {})) {
    if (v === undefined) continue;
    sets.push(`${name(attribute)} = ${value(v)}`);
  }
  for (const [attribute, v] of Object.entries(spec.setIfAbsent ?? {})) {
    const a = name(attribute);
    sets.push(`${a} = if_not_exists(${a}, ${value(v)})`);
  }
  for (const [attribute, by] of Object.entries(spec.increment ?? {})) {
    const a = name(attribute);
    sets.push(`${a} = ${a} + ${value(by)}`);
  }
  for (const [attribute, items] of Object.entries(spec.append ?? {})) {
    const a = name(attribute);
    const empty = `:u${n++}`;
    values[empty] = [];
    sets.push(`${a} = list_append(if_not_exists(${a}, ${empty}), ${value([...items])})`);
  }
  const removes = (spec.remove ?? []).map((attribute) => {
    const placeholder = name(attribute);
    n++;
    return placeholder;
  });
  const adds = [
    ...Object.entries(spec.addToSet ?? {}).map(([a, items]) => `${name(a)} ${value(new Set(items))}`),
    ...Object.entries(spec.add ?? {}).map(([a, by]) => `${name(a)} ${value(by)}`),
  ];
  const deletes = Object.entries(spec.deleteFromSet ?? {}).map(
    ([a, items]) => `${name(a)} ${value(new Set(items))}`,
  );
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    deletes.length ? `DELETE ${deletes.join(', ')}` : '',
  ].filter(Boolean);
  if (clauses.length === 0) throw new Error('Empty update');
  if (condition) {
    merge(names, condition.names, 'name');
    merge(values, condition.values, 'value');
  }
  return {
    UpdateExpression: clauses.join(' '),
    ...(condition ? { ConditionExpression: condition.expression } : {}),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}

/** The item after `spec`, computed locally (transactions return no values). */
export function applyUpdate<T extends object>(item: T, spec: UpdateSpec): T {
  const next: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const [attribute, v] of Object.entries(spec.set ?? {})) if (v !== undefined) next[attribute] = v;
  for (const [attribute, v] of Object.entries(spec.setIfAbsent ?? {})) next[attribute] ??= v;
  for (const [attribute, by] of Object.entries({ ...spec.increment, ...spec.add })) {
    next[attribute] = Number(next[attribute] ?? 0) + by;
  }
  for (const [attribute, items] of Object.entries(spec.append ?? {})) {
    next[attribute] = [...((next[attribute] as unknown[] | undefined) ?? []), ...items];
  }
  for (const attribute of spec.remove ?? []) delete next[attribute];
  for (const [attribute, items] of Object.entries(spec.addToSet ?? {})) {
    next[attribute] = new Set([...((next[attribute] as Set<string> | undefined) ?? []), ...items]);
  }
  for (const [attribute, items] of Object.entries(spec.deleteFromSet ?? {})) {
    const remaining = new Set((next[attribute] as Set<string> | undefined) ?? []);
    for (const i of items) remaining.delete(i);
    if (remaining.size === 0) delete next[attribute];
    else next[attribute] = remaining;
  }
  return next as T;
}

// ---------------------------------------------------------------------------------------------------------
// Transaction items
// ---------------------------------------------------------------------------------------------------------

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function conditionParams(condition: Condition | undefined) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names && Object.keys(condition.names).length
      ? { ExpressionAttributeNames: condition.names }
      : {}),
    ...(condition.values && Object.keys(condition.values).length
      ? { ExpressionAttributeValues: condition.values }
      : {}),
  };
}

export const tx = {
  put: (store: Store, item: Record<string, unknown>, condition?: Condition): TxItem => ({
    Put: {
      TableName: store.tableName,
      Item: item,
      ...conditionParams(condition),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }),
  update: (store: Store, key: ItemKey, spec: UpdateSpec, condition?: Condition): TxItem => ({
    Update: {
      TableName: store.tableName,
      Key: { pk: key.pk, sk: key.sk },
      ...updateParams(spec, condition),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }),
  delete: (store: Store, key: ItemKey, condition?: Condition): TxItem => ({
    Delete: {
      TableName: store.tableName,
      Key: { pk: key.pk, sk: key.sk },
      ...conditionParams(condition),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }),
  check: (store: Store, key: ItemKey, condition: Condition): TxItem => ({
    ConditionCheck: {
      TableName: store.tableName,
      Key: { pk: key.pk, sk: key.sk },
      ...conditionParams(condition),
      ConditionExpression: condition.expression,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }),
};

export const MAX_TRANSACTION_ITEMS = 100;

export type TxOutcome = { ok: true } | { ok: false; reasons: CancellationReason[]; error: unknown };

/**
 * One `TransactWriteItems`. A cancellation comes back as `{ok: false, reasons}` (one reason per item, in
 * order); unreachable-store failures throw StoreUnavailableError; anything else is rethrown.
 * The client request token makes an SDK-level retry of the same call idempotent.
 */
export async function transact(store: Store, items: readonly TxItem[]): Promise<TxOutcome> {
  if (items.length === 0) return { ok: true };
  if (items.length > MAX_TRANSACTION_ITEMS)
    throw new Error(`Too many items in one transaction: ${items.length}`);
  try {
    await store.doc.send(
      new TransactWriteCommand({ TransactItems: [...items], ClientRequestToken: randomUUID() }),
    );
    return { ok: true };
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons) return { ok: false, reasons, error };
    throw toStoreError(error);
  }
}

/** True when another transaction touched one of the items at the same time (worth retrying). */
export function hasConflict(reasons: readonly CancellationReason[]): boolean {
  return reasons.some((reason) => reason.code === 'TransactionConflict');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Jittered exponential backoff between optimistic retries: 5–25 ms, doubling, capped at 400 ms. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(400, 25 * 2 ** attempt);
  return sleep(5 + Math.random() * ceiling);
}

export const RETRY_ATTEMPTS = 8;

/**
 * Runs an optimistic read-then-write `attempt` until it returns a value. `attempt` returns `RETRY` when it
 * lost a race it can safely redo (a transaction conflict, a wait token stored meanwhile); after
 * `RETRY_ATTEMPTS` the caller gets a ConcurrentUpdateError.
 */
export const RETRY = Symbol('retry');
export async function withRetries<T>(
  entity: string,
  id: string,
  attempt: (n: number) => Promise<T | typeof RETRY>,
): Promise<T> {
  for (let n = 0; n < RETRY_ATTEMPTS; n++) {
    const result = await attempt(n);
    if (result !== RETRY) return result;
    await backoff(n);
  }
  throw new ConcurrentUpdateError(entity, id);
}
