import type { ValidationIssue } from '#domain/errors.ts';

/** Zod issues → the `{path, message}` issues of a 400 body, never echoing what the caller sent. */

export interface ZodLikeIssue {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
}

/** `goals.0.title`; a root-level issue has the path ''. */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((part) => (typeof part === 'symbol' ? (part.description ?? '') : String(part)));
  return [prefix, ...parts].filter((part) => part !== undefined && part !== '').join('.');
}

function stringLeaves(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 20 || out.size > 5000) return out;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    if (text.length >= 3) out.add(text);
  } else if (Array.isArray(value)) {
    for (const item of value) stringLeaves(item, out, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringLeaves(item, out, depth + 1);
  }
  return out;
}

const GENERIC_ISSUE_MESSAGES: Record<string, string> = {
  invalid_type: 'Invalid type',
  too_big: 'Too big',
  too_small: 'Too small',
  invalid_format: 'Invalid format',
  not_multiple_of: 'Invalid number',
  unrecognized_keys: 'Unrecognized key',
  invalid_union: 'Invalid input',
  invalid_key: 'Invalid key',
  invalid_element: 'Invalid element',
  invalid_value: 'Invalid value',
};

/**
 * Zod issues → `{path, message}`. Zod's built-in messages never contain the input; a custom
 * message might, so any message containing a value of `input` is replaced by a generic one.
 */
export function issuesFromZod(
  issues: readonly ZodLikeIssue[],
  options: { prefix?: string; input?: unknown; schema?: unknown } = {},
): ValidationIssue[] {
  const leaves = options.input === undefined ? undefined : stringLeaves(options.input, new Set());
  return issues.map((issue) => {
    const echoes = leaves ? [...leaves].some((leaf) => issue.message.includes(leaf)) : false;
    const message = echoes
      ? (GENERIC_ISSUE_MESSAGES[issue.code ?? ''] ?? 'Invalid value')
      : issue.message.slice(0, 300);
    return { path: issuePath(issue.path, options.prefix), message };
  });
}
