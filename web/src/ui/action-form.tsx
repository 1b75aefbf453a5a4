import { useState } from 'preact/hooks';
import type * as z from 'zod/mini';
import { isApiError } from '../api.ts';
import { useDraft } from '../hooks.ts';
import { friendlyIssues } from '../referral-draft.ts';
import { type FormState, useForm } from './form-state.ts';

export interface ActionForm<V> {
  form: FormState<V>;
  submit: (values: V) => Promise<void>;
  failure: unknown;
}

/**
 * A small form that sends one action: its values are kept in the tab while typed (`draftName`), validated
 * with the API's own schema before sending, and cleared once sent. Field errors from a 400 land beside the
 * fields; anything else is shown as `failure`.
 */
export function useActionForm<V, S extends z.ZodMiniType>(options: {
  draftName: string;
  initial: () => V;
  schema: S;
  toBody: (values: V) => unknown;
  send: (body: z.output<S>) => Promise<void>;
}): ActionForm<V> {
  const [values, setValues, clear] = useDraft<V>(options.draftName, options.initial);
  const form = useForm<V>([values, setValues]);
  const [failure, setFailure] = useState<unknown>(undefined);
  const submit = async (current: V) => {
    setFailure(undefined);
    const input = options.toBody(current);
    const parsed = options.schema.safeParse(input);
    if (!parsed.success) {
      form.showErrors(friendlyIssues(parsed.error.issues, input));
      return;
    }
    form.clearErrors();
    try {
      await options.send(parsed.data);
      clear();
    } catch (error) {
      reportFailure(form, setFailure, error);
    }
  };
  return { form, submit, failure };
}

/** A 400's field errors beside the fields (and in the summary); anything else as the form's failure. */
export function reportFailure<V>(form: FormState<V>, setFailure: (error: unknown) => void, error: unknown) {
  if (isApiError(error, 400) && error.issues.length > 0) form.showErrors(error.issues);
  else setFailure(error);
}

/** Blank optional text → left out. */
export const optionalText = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/** The fields of `next` that differ from `before` (a correction sends only what changed). */
export function changedOnly<T extends object>(next: T, before: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(next).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof T]),
    ),
  ) as Partial<T>;
}
