import type { ReferralInput } from './referral.ts';

/**
 * Client search: what is indexed for a referral and how a search term is read. The data layer keys every
 * token with the region's secret (HMAC), so the table holds no name or birth date in a search key.
 *
 * A name is folded (accents removed, lower case, letters and digits only) and indexed by every prefix of
 * 2 to `MAX_PREFIX` characters of the whole name ("okonkwohale") and of each of its parts ("okonkwo",
 * "hale"): "okonkwo", "hale" and "okonkwo-hale" all find "Okonkwo-Hale", "rene" finds "René".
 */

/** The shortest searchable prefix. */
export const MIN_SEARCH_LENGTH = 2;
/** Longer prefixes are not indexed: a longer term is looked up by its first `MAX_PREFIX` characters. */
export const MAX_PREFIX = 12;
/** At most this many name tokens per referral (keeps a correction within one transaction). */
export const MAX_NAME_TOKENS = 44;

/** Accents removed, lower case, split into its parts of letters and digits. */
export function nameParts(value: string): string[] {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part.length > 0);
}

/** A search term folded as names are: "Okonkwo-Hale" → "okonkwohale". */
export const foldTerm = (value: string): string => nameParts(value).join('');

function prefixesOf(word: string): string[] {
  const out: string[] = [];
  for (let length = MIN_SEARCH_LENGTH; length <= Math.min(word.length, MAX_PREFIX); length++) {
    out.push(word.slice(0, length));
  }
  return out;
}

/** The folded name prefixes a referral is found by (family name first, then given name), deduplicated. */
export function namePrefixes(client: Pick<ReferralInput['client'], 'givenName' | 'familyName'>): string[] {
  const tokens = new Set<string>();
  for (const name of [client.familyName, client.givenName]) {
    const parts = nameParts(name);
    for (const word of [parts.join(''), ...(parts.length > 1 ? parts : [])]) {
      for (const prefix of prefixesOf(word)) tokens.add(prefix);
    }
  }
  return [...tokens].slice(0, MAX_NAME_TOKENS);
}

/** The prefix a folded term is looked up by (its first `MAX_PREFIX` characters). */
export const lookupPrefix = (folded: string): string => folded.slice(0, MAX_PREFIX);

/**
 * True when the folded term starts the client's family or given name (whole or one part). Used on results
 * of a term longer than `MAX_PREFIX`, which the index finds by its first characters only.
 */
export function nameStartsWith(
  client: Pick<ReferralInput['client'], 'givenName' | 'familyName'>,
  folded: string,
): boolean {
  return [client.familyName, client.givenName].some((name) => {
    const parts = nameParts(name);
    return [parts.join(''), ...parts].some((word) => word.startsWith(folded));
  });
}
