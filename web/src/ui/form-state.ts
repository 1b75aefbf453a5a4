import { useRef, useState } from 'preact/hooks';

/**
 * Forms: values are a plain object addressed by dotted paths (`client.givenName`, `goals.0.text`), the same
 * paths zod and the API use in their issues, so an issue lands beside its field and in the summary at the
 * top. Every field has a real <label>, a hint and an error tied by `aria-describedby`, and `aria-invalid`.
 */

export type Errors = Record<string, string>;

/** The id of a field's input: the form's prefix and the path (several forms on a page never share ids). */
export const fieldId = (path: string, prefix = 'f'): string =>
  `${prefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

export function getIn(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function setIn<T>(value: T, path: string, next: unknown): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return value;
  const container: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...((value ?? {}) as Record<string, unknown>) };
  const current = (container as Record<string, unknown>)[head];
  const child =
    rest.length === 0 ? next : setIn(current ?? (/^\d+$/.test(rest[0]!) ? [] : {}), rest.join('.'), next);
  (container as Record<string, unknown>)[head] = child;
  return container as T;
}

/** A zod issue (array path) or an API issue (dotted path). */
export interface IssueLike {
  path: readonly PropertyKey[] | string;
  message: string;
}

/** Issues → dotted path → first message. */
export function issuesToErrors(issues: readonly IssueLike[]): Errors {
  const errors: Errors = {};
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path : issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

interface Registered {
  label: string;
}

export interface FormState<T> {
  values: T;
  setValues(values: T): void;
  set(path: string, value: unknown): void;
  errors: Errors;
  /** Shows these errors beside their fields and in the summary, and moves focus to the summary. */
  showErrors(errors: Errors | readonly IssueLike[]): void;
  clearErrors(): void;
  /** Bumped by `showErrors` (the summary focuses itself on a change). */
  attempt: number;
  registry: Map<string, Registered>;
}

/** Form state; pass `[values, setValues]` from `useDraft` to keep what is typed in the tab. */
export function useForm<T>(store: [T, (values: T) => void]): FormState<T> {
  const [values, setValues] = store;
  const [errors, setErrors] = useState<Errors>({});
  const [attempt, setAttempt] = useState(0);
  const registry = useRef(new Map<string, Registered>()).current;
  const latest = useRef(values);
  latest.current = values;

  /** An issue's path, moved up to the nearest field on the page (e.g. `preferences.languages.values.1`). */
  const attach = (path: string): string => {
    const parts = path.split('.');
    while (parts.length > 0) {
      const candidate = parts.join('.');
      if (registry.has(candidate)) return candidate;
      parts.pop();
    }
    return '';
  };

  return {
    values,
    setValues,
    set(path, value) {
      const next = setIn(latest.current, path, value);
      latest.current = next;
      setValues(next);
      if (errors[path] !== undefined) {
        const { [path]: _cleared, ...rest } = errors;
        setErrors(rest);
      }
    },
    errors,
    showErrors(input) {
      const raw = Array.isArray(input) ? issuesToErrors(input as readonly IssueLike[]) : (input as Errors);
      const attached: Errors = {};
      for (const [path, message] of Object.entries(raw)) attached[attach(path)] ??= message;
      setErrors(attached);
      setAttempt((n) => n + 1);
    },
    clearErrors() {
      setErrors({});
    },
    attempt,
    registry,
  };
}
