import type { PolicyStatement } from './template.ts';

/**
 * Identity-policy evaluation for the calls the bundles made: an explicit Deny wins, else some Allow must
 * match the action (case-insensitive, `*` and `?` wildcards), the resource (case-sensitive wildcards) and
 * every condition. The only request condition key the contract knows is `dynamodb:LeadingKeys`; a
 * statement conditioned on any other key is treated as not matching, so it can never allow by accident.
 */

export interface AuthorizedCall {
  action: string;
  resource: string;
  /** The partition key values the request touches (DynamoDB), for `dynamodb:LeadingKeys`. */
  leadingKeys?: string[];
}

const patternCache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let re = patternCache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    patternCache.set(key, re);
  }
  return re.test(value);
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function conditionHolds(operator: string, key: string, expected: string[], call: AuthorizedCall): boolean {
  if (key.toLowerCase() !== 'dynamodb:leadingkeys') return false;
  const values = call.leadingKeys ?? [];
  const [qualifier, base] = operator.includes(':') ? operator.split(':') : ['', operator];
  const like = base === 'StringLike';
  if (base !== 'StringLike' && base !== 'StringEquals') return false;
  const matchesOne = (value: string) =>
    expected.some((pattern) => (like ? wildcardMatch(pattern, value) : pattern === value));
  if (qualifier === 'ForAllValues') return values.every(matchesOne);
  if (qualifier === 'ForAnyValue') return values.some(matchesOne);
  // A single-valued operator on a multivalued key: only a request with exactly one value can satisfy it.
  return values.length === 1 && matchesOne(values[0]!);
}

function statementMatches(statement: PolicyStatement, call: AuthorizedCall): boolean {
  if (!statement.Action.some((a) => wildcardMatch(a, call.action, true))) return false;
  if (!statement.Resource.some((r) => wildcardMatch(r, call.resource))) return false;
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      if (!conditionHolds(operator, key, asList(expected), call)) return false;
    }
  }
  return true;
}

export function isAllowed(statements: readonly PolicyStatement[], call: AuthorizedCall): boolean {
  if (statements.some((s) => s.Effect === 'Deny' && statementMatches(s, call))) return false;
  return statements.some((s) => s.Effect === 'Allow' && statementMatches(s, call));
}
