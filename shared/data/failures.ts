import { isTransientFailure, StoreUnavailableError } from '#app/errors.ts';

/**
 * Turning SDK failures into the ports' errors (shared/app/errors.ts). Callers that expect a condition to
 * fail (a transaction, a conditional put) read the reason here and throw NotFound / ConcurrentUpdate /
 * CapacityExceeded themselves; everything that means "DynamoDB cannot be reached right now" becomes
 * StoreUnavailableError.
 */

function nameOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

/** True for network errors, timeouts, throttling and 5xx from DynamoDB (transient: retry later). */
export function isUnavailable(error: unknown): boolean {
  return isTransientFailure(error);
}

/**
 * Transient failures become StoreUnavailableError (one already is passes as it is, keeping its
 * `retryAfterSeconds`); anything else — our own errors included — is rethrown as is.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isUnavailable(error)) return new StoreUnavailableError(2, { cause: error });
  return error;
}

/** Runs one SDK call, mapping transient failures to StoreUnavailableError. */
export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error);
  }
}

/**
 * Runs a conditional write: true when it was applied, false when its condition failed (someone got there
 * first, or the item moved on). Any other failure is thrown as `storeCall` throws it.
 */
export async function appliedIf(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await storeCall(write);
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return nameOf(error) === 'ConditionalCheckFailedException';
}

export function isTransactionCanceled(error: unknown): boolean {
  return nameOf(error) === 'TransactionCanceledException';
}

type AttributeValue = Record<string, unknown>;

/** Minimal AttributeValue → JS (the SDK returns items in errors marshalled, even from the document client). */
function fromAttributeValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const av = value as AttributeValue;
  const [tag] = Object.keys(av);
  const inner = tag === undefined ? undefined : av[tag];
  switch (tag) {
    case 'S':
      return inner;
    case 'N':
      return Number(inner);
    case 'BOOL':
      return inner;
    case 'NULL':
      return null;
    case 'SS':
      return new Set(inner as string[]);
    case 'NS':
      return new Set((inner as string[]).map(Number));
    case 'L':
      return (inner as unknown[]).map(fromAttributeValue);
    case 'M':
      return unmarshallItem(inner as Record<string, unknown>);
    default:
      return value;
  }
}

export function unmarshallItem(
  item: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, fromAttributeValue(value)]));
}

/**
 * Items in errors come back marshalled today; accept both shapes in case a later SDK unmarshalls them.
 * Every item of the table has a string `pk`, which tells the two apart.
 */
function maybeUnmarshall(item: Record<string, unknown>): Record<string, unknown> {
  return typeof item.pk === 'string' ? item : (unmarshallItem(item) ?? {});
}

export interface CancellationReason {
  /** `None`, `ConditionalCheckFailed`, `TransactionConflict`, `ValidationError`, … */
  code: string;
  /** The item as it was (ReturnValuesOnConditionCheckFailure ALL_OLD); undefined when it did not exist. */
  item?: Record<string, unknown>;
}

/** One entry per transaction item, in order; undefined when the error is not a cancelled transaction. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!isTransactionCanceled(error)) return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] })
    .CancellationReasons;
  if (!Array.isArray(reasons)) return undefined;
  return reasons.map((reason) => ({
    code: reason.Code ?? 'None',
    ...(reason.Item ? { item: maybeUnmarshall(reason.Item) } : {}),
  }));
}

/** The old item returned by a failed single-item conditional write (ALL_OLD), unmarshalled. */
export function conditionFailedItem(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  if (!item) return undefined;
  return maybeUnmarshall(item);
}
