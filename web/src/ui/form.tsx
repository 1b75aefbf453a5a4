import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type Errors, type FormState, fieldId, getIn } from './form-state.ts';

/** A form and what its fields share: the state in a context, the error summary, hints and errors. */

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'f';

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
