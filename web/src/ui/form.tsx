import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Forms: values are a plain object addressed by dotted paths (`client.givenName`, `goals.0.text`), the same
 * paths zod and the API use in their issues, so an issue lands beside its field and in the summary at the
 * top. Every field has a real <label>, a hint and an error tied by `aria-describedby`, and `aria-invalid`.
 */

export type Errors = Record<string, string>;

/** The id of a field's input: the form's prefix and the path (several forms on a page never share ids). */
export const fieldId = (path: string, prefix = 'f'): string =>
  `${prefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'f';

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

// biome-ignore lint/suspicious/noExplicitAny: a form of any shape
const FormContext = createContext<{ form: FormState<any>; prefix: string } | undefined>(undefined);

/** The id a field at `path` has in the enclosing form. */
export function useFieldId(path: string): string {
  const context = useContext(FormContext);
  return fieldId(path, context?.prefix);
}

export function useField(path: string, label: string) {
  const context = useContext(FormContext);
  if (!context) throw new Error('A field outside a <Form>');
  const { form, prefix } = context;
  form.registry.set(path, { label });
  const id = fieldId(path, prefix);
  const error = form.errors[path];
  return { form, id, error, value: getIn(form.values, path) };
}

export function ErrorSummary({
  errors,
  attempt,
  labelFor,
  prefix,
}: {
  errors: Errors;
  attempt: number;
  labelFor: (path: string) => string | undefined;
  prefix: string;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (attempt > 0 && Object.keys(errors).length > 0) ref.current?.focus();
  }, [attempt]);
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <section class="error-summary" ref={ref} tabIndex={-1} aria-labelledby={`${prefix}-error-summary-title`}>
      <h2 id={`${prefix}-error-summary-title`}>
        {entries.length === 1 ? 'One answer needs attention' : `${entries.length} answers need attention`}
      </h2>
      <ul>
        {entries.map(([path, message]) => {
          const label = labelFor(path);
          if (path === '') return <li key={path}>{message}</li>;
          return (
            <li key={path}>
              <a
                href={`#${fieldId(path, prefix)}`}
                onClick={(event) => {
                  event.preventDefault();
                  const target = document.getElementById(fieldId(path, prefix));
                  target?.focus();
                  target?.scrollIntoView({ block: 'center' });
                }}
              >
                {label ? `${label}: ` : ''}
                {message}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Form<T>({
  form,
  onSubmit,
  children,
  label,
  class: className,
}: {
  form: FormState<T>;
  onSubmit: (values: T) => void | Promise<void>;
  children: ComponentChildren;
  /** The form's accessible name (when the page holds several forms). */
  label?: string;
  class?: string;
}) {
  const [busy, setBusy] = useState(false);
  const prefix = slug(label ?? 'f');
  return (
    <FormContext.Provider value={{ form, prefix }}>
      <form
        id={`${prefix}-form`}
        class={className ?? 'form'}
        noValidate
        aria-label={label}
        aria-busy={busy}
        onSubmit={async (event) => {
          event.preventDefault();
          if (busy) return;
          setBusy(true);
          try {
            await onSubmit(form.values);
          } finally {
            setBusy(false);
          }
        }}
      >
        <ErrorSummary
          errors={form.errors}
          attempt={form.attempt}
          labelFor={(path) => form.registry.get(path)?.label}
          prefix={prefix}
        />
        <fieldset class="form-body" disabled={busy}>
          {children}
        </fieldset>
      </form>
    </FormContext.Provider>
  );
}

export function Described({
  id,
  hint,
  error,
}: {
  id: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
    </>
  );
}

export const describedBy = (id: string, hint?: string, error?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

interface FieldProps {
  path: string;
  label: string;
  hint?: string;
  optional?: boolean;
}

function Label({ id, label, optional }: { id: string; label: string; optional?: boolean | undefined }) {
  return (
    <label for={id} class="label">
      {label}
      {optional ? <span class="optional"> (optional)</span> : null}
    </label>
  );
}

export function TextField({
  path,
  label,
  hint,
  optional,
  type = 'text',
  autoComplete = 'off',
  inputMode,
  width,
  multiline,
  rows = 4,
}: FieldProps & {
  type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'month';
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  width?: 'short' | 'medium' | 'long';
  multiline?: boolean;
  rows?: number;
}) {
  const { form, id, error, value } = useField(path, label);
  const common = {
    id,
    name: path,
    value: typeof value === 'string' || typeof value === 'number' ? String(value) : '',
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(id, hint, error),
    autoComplete,
    onInput: (event: Event) => form.set(path, (event.currentTarget as HTMLInputElement).value),
    class: `input${width ? ` input-${width}` : ''}${error ? ' input-error' : ''}`,
  };
  return (
    <div class={`field${error ? ' field-has-error' : ''}`}>
      <Label id={id} label={label} optional={optional} />
      <Described id={id} hint={hint} error={error} />
      {multiline ? (
        <textarea {...common} rows={rows} />
      ) : (
        <input {...common} type={type} inputMode={inputMode} />
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

export function SelectField({
  path,
  label,
  hint,
  optional,
  options,
  placeholder = 'Choose…',
}: FieldProps & { options: readonly Option[]; placeholder?: string }) {
  const { form, id, error, value } = useField(path, label);
  return (
    <div class={`field${error ? ' field-has-error' : ''}`}>
      <Label id={id} label={label} optional={optional} />
      <Described id={id} hint={hint} error={error} />
      <select
        id={id}
        name={path}
        class={`select${error ? ' input-error' : ''}`}
        value={typeof value === 'string' ? value : ''}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(event) => form.set(path, (event.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">{placeholder}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxField({ path, label, hint }: FieldProps) {
  const { form, id, error, value } = useField(path, label);
  return (
    <div class={`field checkbox${error ? ' field-has-error' : ''}`}>
      <Described id={id} error={error} />
      <input
        type="checkbox"
        id={id}
        name={path}
        checked={value === true}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(event) => form.set(path, (event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint checkbox-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Several checkboxes for a string[] value. The first box carries the group's id (for the summary link). */
export function CheckboxGroup({
  path,
  legend,
  hint,
  optional,
  options,
  columns,
}: {
  path: string;
  legend: string;
  hint?: string;
  optional?: boolean;
  options: readonly Option[];
  columns?: boolean;
}) {
  const { form, id, error, value } = useField(path, legend);
  const selected = Array.isArray(value) ? (value as string[]) : [];
  return (
    <fieldset
      class={`field group${error ? ' field-has-error' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend class="label">
        {legend}
        {optional ? <span class="optional"> (optional)</span> : null}
      </legend>
      <Described id={id} hint={hint} error={error} />
      <div class={columns ? 'choices columns' : 'choices'}>
        {options.map((option, index) => {
          const optionId = index === 0 ? id : `${id}-${index}`;
          return (
            <div class="checkbox" key={option.value}>
              <input
                type="checkbox"
                id={optionId}
                name={path}
                value={option.value}
                checked={selected.includes(option.value)}
                aria-invalid={error ? 'true' : undefined}
                onChange={(event) => {
                  const on = (event.currentTarget as HTMLInputElement).checked;
                  const next = on
                    ? [...selected.filter((v) => v !== option.value), option.value]
                    : selected.filter((v) => v !== option.value);
                  form.set(
                    path,
                    options.map((o) => o.value).filter((v) => next.includes(v)),
                  );
                }}
              />
              <label for={optionId}>{option.label}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export function RadioGroup({
  path,
  legend,
  hint,
  options,
  inline,
}: {
  path: string;
  legend: string;
  hint?: string;
  options: readonly Option[];
  inline?: boolean;
}) {
  const { form, id, error, value } = useField(path, legend);
  return (
    <fieldset
      class={`field group${error ? ' field-has-error' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend class="label">{legend}</legend>
      <Described id={id} hint={hint} error={error} />
      <div class={inline ? 'choices inline' : 'choices'}>
        {options.map((option, index) => {
          const optionId = index === 0 ? id : `${id}-${index}`;
          return (
            <div class="radio" key={option.value}>
              <input
                type="radio"
                id={optionId}
                name={path}
                value={option.value}
                checked={value === option.value}
                aria-describedby={option.hint ? `${optionId}-hint` : undefined}
                onChange={() => form.set(path, option.value)}
              />
              <label for={optionId}>{option.label}</label>
              {option.hint ? (
                <p class="hint radio-hint" id={`${optionId}-hint`}>
                  {option.hint}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** Options from a code list and its labels, in the list's order. */
export function optionsOf<K extends string>(codes: readonly K[], labels: Record<K, string>): Option[] {
  return codes.map((code) => ({ value: code, label: labels[code] }));
}
