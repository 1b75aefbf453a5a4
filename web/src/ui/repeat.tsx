import type { ComponentChildren } from 'preact';
import { type FormState, getIn } from './form-state.ts';

/**
 * A list of like fields at one path (the goals of a referral, the goals a worker sets): each item with a
 * button that removes it while more than one is left, and a button that adds a blank one up to a limit.
 */

const itemsAt = (form: FormState<unknown>, path: string): unknown[] => {
  const items = getIn(form.values, path);
  return Array.isArray(items) ? items : [];
};

export function RepeatItems({
  form,
  path,
  noun,
  children,
}: {
  form: FormState<unknown>;
  path: string;
  /** What one item is called, as in "Remove goal 2". */
  noun: string;
  children: (index: number) => ComponentChildren;
}) {
  const items = itemsAt(form, path);
  return (
    <>
      {items.map((_item, index) => (
        <div class="repeat" key={index}>
          {children(index)}
          {items.length > 1 ? (
            <button
              type="button"
              class="button button-link"
              onClick={() =>
                form.set(
                  path,
                  items.filter((_, i) => i !== index),
                )
              }
            >
              Remove {noun} {index + 1}
            </button>
          ) : null}
        </div>
      ))}
    </>
  );
}

export function AddItemButton({
  form,
  path,
  blank,
  max,
  children,
}: {
  form: FormState<unknown>;
  path: string;
  blank: () => unknown;
  max: number;
  children: ComponentChildren;
}) {
  const items = itemsAt(form, path);
  if (items.length >= max) return null;
  return (
    <button type="button" class="button button-secondary" onClick={() => form.set(path, [...items, blank()])}>
      {children}
    </button>
  );
}
