import type { ComponentChildren } from 'preact';
import { Described, describedBy, useField } from './form.tsx';

/** The fields: each has a real <label> (or <legend>), a hint and an error tied by `aria-describedby`. */

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

/** A group of inputs under one legend, its hint and error (checkboxes, radios, the availability grid). */
export function GroupFieldset({
  id,
  legend,
  hint,
  error,
  optional,
  children,
}: {
  id: string;
  legend: string;
  hint?: string | undefined;
  error?: string | undefined;
  optional?: boolean | undefined;
  children: ComponentChildren;
}) {
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
      {children}
    </fieldset>
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
    <GroupFieldset id={id} legend={legend} hint={hint} error={error} optional={optional}>
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
    </GroupFieldset>
  );
}

export function RadioGroup({
  path,
  legend,
  hint,
  options,
  inline,
  disabled,
}: {
  path: string;
  legend: string;
  hint?: string;
  options: readonly Option[];
  inline?: boolean;
  /** Shown but not choosable; the hint says why. */
  disabled?: boolean;
}) {
  const { form, id, error, value } = useField(path, legend);
  return (
    <GroupFieldset id={id} legend={legend} hint={hint} error={error}>
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
                disabled={disabled}
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
    </GroupFieldset>
  );
}

/** Options from a code list and its labels, in the list's order. */
export function optionsOf<K extends string>(codes: readonly K[], labels: Record<K, string>): Option[] {
  return codes.map((code) => ({ value: code, label: labels[code] }));
}

/** One section of a long form, its title a heading (so the page's outline lists the sections). */
export function FormSection({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <fieldset class="form-section">
      <legend>
        <h2>{title}</h2>
      </legend>
      {children}
    </fieldset>
  );
}
