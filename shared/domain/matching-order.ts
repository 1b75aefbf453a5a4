import { normalise } from './matching-criteria.ts';

/**
 * Matching's order, without comparing strings in a sort callback: workers by name through a radix sort on a
 * numeric prefix of their name, candidates by score and free places through a radix sort on both packed in
 * one key. Deterministic: code-unit order, never the host's locale.
 */

/**
 * `normalise(name)`, skipping the Unicode work for the usual name: printable ASCII with single inner spaces
 * has nothing to decompose, strip, trim or collapse, so only its case changes (and often not even that).
 */
export function sortName(name: string): string {
  const last = name.length - 1;
  let upper = false;
  for (let k = 0; k <= last; k++) {
    const c = name.charCodeAt(k);
    if (c > 0x20 && c < 0x7f) {
      if (c >= 0x41 && c <= 0x5a) upper = true;
    } else if (c !== 0x20 || k === 0 || k === last || name.charCodeAt(k - 1) === 0x20) {
      return normalise(name);
    }
  }
  return upper ? name.toLowerCase() : name;
}

/**
 * Last names compared without case or accents (code-unit order, not the host's locale), then ids, so the
 * order is the same on every machine.
 */
function byNameThenId(nameA: string, idA: string, nameB: string, idB: string): number {
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

const RADIX_BITS = 11;
const RADIX_MASK = (1 << RADIX_BITS) - 1;

/**
 * The indexes 0..n-1 ordered by `keys` (unsigned 32-bit), equal keys keeping index order: a least-significant
 * digit radix sort, three passes of 11 bits (a pass is skipped when every key has the same digit).
 */
function radixOrder(keys: Uint32Array): Uint32Array {
  const count = keys.length;
  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count < 2) return order;
  let spare = new Uint32Array(count);
  const starts = new Uint32Array(RADIX_MASK + 1);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    starts.fill(0);
    for (let i = 0; i < count; i++) starts[(keys[i]! >>> shift) & RADIX_MASK]!++;
    if (starts[(keys[0]! >>> shift) & RADIX_MASK] === count) continue;
    for (let digit = 0, sum = 0; digit <= RADIX_MASK; digit++) {
      const size = starts[digit]!;
      starts[digit] = sum;
      sum += size;
    }
    for (let i = 0; i < count; i++) {
      const index = order[i]!;
      spare[starts[(keys[index]! >>> shift) & RADIX_MASK]!++] = index;
    }
    [order, spare] = [spare, order];
  }
  return order;
}

/**
 * Worker indexes ordered by `byNameThenId`, equal names and ids keeping input order (what a stable sort with
 * that comparison gives). Each name's first characters are packed into a 32-bit key, each character as its
 * rank among the characters the names use (0 past a name's end, so a prefix sorts first); a radix sort on the
 * keys does nearly all the work, and only runs of equal keys (same name, or same first characters) are then
 * sorted with the full comparison.
 */
export function nameOrder(names: readonly string[], ids: readonly string[]): Uint32Array {
  const count = names.length;
  // The distinct code units the names use, ranked from 1 in code-unit order; each takes `charBits` bits.
  const rankOf = new Uint32Array(0x10000);
  const used: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    for (let k = 0; k < name.length; k++) {
      const code = name.charCodeAt(k);
      if (rankOf[code] === 0) {
        rankOf[code] = 1;
        used.push(code);
      }
    }
  }
  used.sort((a, b) => a - b);
  for (let r = 0; r < used.length; r++) rankOf[used[r]!] = r + 1;
  let charBits = 1;
  while (2 ** charBits <= used.length) charBits++;
  const charBase = 2 ** charBits;
  const width = Math.floor(32 / charBits);

  const keys = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    let key = 0;
    for (let k = 0; k < width; k++) {
      key = key * charBase + (k < name.length ? rankOf[name.charCodeAt(k)]! : 0);
    }
    keys[i] = key;
  }
  const order = radixOrder(keys);
  sortEqualKeys(order, keys, (i, j) => byNameThenId(names[i]!, ids[i]!, names[j]!, ids[j]!));
  return order;
}

/**
 * Sorts each run of equal keys in `order` (indexes sorted by `keys`) by `compare`, stably. Runs are short (a
 * shared name): insertion sort; a long one goes to the built-in sort, which is stable too.
 */
function sortEqualKeys(order: Uint32Array, keys: Uint32Array, compare: (i: number, j: number) => number) {
  const count = order.length;
  for (let start = 0; start < count; ) {
    const key = keys[order[start]!];
    let end = start + 1;
    while (end < count && keys[order[end]!] === key) end++;
    if (end - start > 16) {
      order.set(Array.from(order.subarray(start, end)).sort(compare), start);
    } else {
      for (let a = start + 1; a < end; a++) {
        const index = order[a]!;
        let b = a - 1;
        for (; b >= start && compare(order[b]!, index) > 0; b--) order[b + 1] = order[b]!;
        order[b + 1] = index;
      }
    }
    start = end;
  }
}

/**
 * Candidates (worker indexes, given in name order) by score, highest first, then most free places; ties keep
 * the name order. Scores in tenths and places are small whole numbers, so (score, places) packs into one
 * 32-bit key for a radix sort; anything else falls back to a stable comparison sort.
 */
export function rankOrder(
  named: readonly number[],
  tenthsAt: Float64Array,
  remainingAt: Float64Array,
): number[] {
  let topTenths = 0;
  let topRemaining = 0;
  let whole = true;
  for (const i of named) {
    const tenths = tenthsAt[i]!;
    const remaining = remainingAt[i]!;
    whole &&= Number.isInteger(tenths) && tenths >= 0 && Number.isInteger(remaining);
    topTenths = Math.max(topTenths, tenths);
    topRemaining = Math.max(topRemaining, remaining);
  }
  if (!whole || (topTenths + 1) * (topRemaining + 1) > 2 ** 32) {
    return [...named].sort((i, j) => tenthsAt[j]! - tenthsAt[i]! || remainingAt[j]! - remainingAt[i]!);
  }
  const keys = new Uint32Array(named.length);
  for (let k = 0; k < named.length; k++) {
    const i = named[k]!;
    keys[k] = (topTenths - tenthsAt[i]!) * (topRemaining + 1) + (topRemaining - remainingAt[i]!);
  }
  const order = radixOrder(keys);
  const ranked = new Array<number>(order.length);
  for (let k = 0; k < order.length; k++) ranked[k] = named[order[k]!]!;
  return ranked;
}
