import type { ValidationIssue } from '#domain/errors.ts';

/**
 * Zod issues → the `{path, message}` issues of a 400 body, never echoing what the caller sent.
 *
 * A message may name the rule and the schema's own words (enum values, literals); it may not contain the
 * caller's text. Zod's built-in messages are made from the schema, except the unknown-key one (it lists the
 * caller's keys); a custom message is the schema author's, and a function may put the input in it. So each
 * message is checked against the caller's text — every string and number of the input, and every unknown
 * key — and passes only when each of those it contains lies inside one of the schema's own words
 * (`SHARE_WITH_PEER_WORKER` sent in `scope` may appear in "Consent must include SHARE_WITH_PEER_WORKER and
 * CONTACT_CLIENT"). Otherwise it is replaced by a generic message for its kind.
 *
 * A field that is missing says `Required`, whatever its schema's message for a wrong value.
 *
 * Paths are made of the schema's field names and array indexes (no request schema has a record, whose keys
 * would be the caller's), so they pass as they are.
 */

export interface ZodLikeIssue {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
  /** `unrecognized_keys`: the caller's unknown keys. */
  keys?: readonly string[];
  /** `invalid_value`: the values the schema allows. */
  values?: readonly unknown[];
}

export interface IssueOptions {
  /** Put before every path (`query`, `params`). */
  prefix?: string;
  /** What was validated: its text is never echoed, and a missing field is `Required`. */
  input?: unknown;
  /** The schema it was validated with: its enum values and literals may be named. */
  schema?: unknown;
}

/** Texts shorter than this are not treated as the caller's (every message contains some 2-letter word). */
const MIN_ECHO_LENGTH = 3;

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

/** Kinds of issue that, at a path where the input has nothing, mean the field is missing. */
const MISSING_KINDS = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

export const REQUIRED_MESSAGE = 'Required';

/** `goals.0.title`; a root-level issue has the path ''. */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((part) => (typeof part === 'symbol' ? (part.description ?? '') : String(part)));
  return [prefix, ...parts].filter((part) => part !== undefined && part !== '').join('.');
}

export function issuesFromZod(
  issues: readonly ZodLikeIssue[],
  options: IssueOptions = {},
): ValidationIssue[] {
  const hasInput = 'input' in options;
  const callerText = new Set<string>();
  if (hasInput) textLeaves(options.input, callerText);
  for (const issue of issues) for (const key of issue.keys ?? []) callerText.add(key);
  const ownWords = new Set<string>(options.schema === undefined ? [] : schemaWords(options.schema));
  for (const issue of issues) for (const value of issue.values ?? []) addWord(value, ownWords);
  const echoing = [...callerText].filter((text) => text.length >= MIN_ECHO_LENGTH);

  return issues.map((issue) => ({
    path: issuePath(issue.path, options.prefix),
    message:
      hasInput && isMissing(issue, options.input) ? REQUIRED_MESSAGE : messageOf(issue, echoing, ownWords),
  }));
}

function isMissing(issue: ZodLikeIssue, input: unknown): boolean {
  return MISSING_KINDS.has(issue.code ?? '') && valueAt(input, issue.path) === undefined;
}

function messageOf(
  issue: ZodLikeIssue,
  callerText: readonly string[],
  ownWords: ReadonlySet<string>,
): string {
  const message = issue.message.slice(0, 300);
  return callerText.some((text) => echoes(message, text, ownWords))
    ? (GENERIC_ISSUE_MESSAGES[issue.code ?? ''] ?? 'Invalid value')
    : message;
}

/** Whether `message` contains `text` anywhere that is not inside one of the schema's own words. */
function echoes(message: string, text: string, ownWords: ReadonlySet<string>): boolean {
  if (!message.includes(text)) return false;
  const covered = new Uint8Array(message.length);
  for (const word of ownWords) {
    for (let at = message.indexOf(word); at !== -1; at = message.indexOf(word, at + 1)) {
      covered.fill(1, at, at + word.length);
    }
  }
  for (let at = message.indexOf(text); at !== -1; at = message.indexOf(text, at + 1)) {
    if (covered.subarray(at, at + text.length).includes(0)) return true;
  }
  return false;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Every string and number in `value` (bounded: a hostile body cannot make this slow). */
function textLeaves(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 20 || out.size > 5000) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    out.add(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) textLeaves(item, out, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) textLeaves(item, out, depth + 1);
  }
}

function addWord(value: unknown, out: Set<string>): void {
  if (typeof value === 'string' || typeof value === 'number') {
    const word = String(value);
    if (word.length >= MIN_ECHO_LENGTH) out.add(word);
  }
}

interface SchemaDef {
  type?: string;
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
}

const wordsBySchema = new WeakMap<object, readonly string[]>();

/** The enum values and literals a (zod 4) schema names, at any depth; cached per schema. */
function schemaWords(schema: unknown): readonly string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  let words = wordsBySchema.get(schema);
  if (!words) {
    const out = new Set<string>();
    collectWords(schema, out, new Set());
    words = [...out];
    wordsBySchema.set(schema, words);
  }
  return words;
}

function collectWords(node: unknown, out: Set<string>, seen: Set<object>): void {
  if (typeof node !== 'object' || node === null || seen.has(node) || seen.size > 10_000) return;
  seen.add(node);
  const def = (node as { _zod?: { def?: SchemaDef } })._zod?.def;
  if (!def) {
    // A shape, or a list of options: the schemas inside it.
    for (const child of Array.isArray(node) ? node : Object.values(node)) collectWords(child, out, seen);
    return;
  }
  if (def.type === 'enum') for (const value of Object.values(def.entries ?? {})) addWord(value, out);
  if (def.type === 'literal') for (const value of def.values ?? []) addWord(value, out);
  for (const [key, child] of Object.entries(def)) {
    // `getter` (lazy) would build a schema per call; checks and transforms name no words.
    if (key === 'getter' || key === 'checks' || typeof child !== 'object') continue;
    collectWords(child, out, seen);
  }
}
