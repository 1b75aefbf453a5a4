import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Stage } from '#domain/lifecycle.ts';
import type { Urgency } from '#domain/vocabulary.ts';
import { ApiError, NetworkError } from '../api.ts';
import type { Loaded } from '../hooks.ts';
import { STAGE_LABELS, URGENCY_LABELS } from '../labels.ts';
import { currentPath, href } from '../router.ts';

/**
 * A short confirmation ("Referral sent.") shown at the top of the page at `path` (default: this page), in
 * a live region so screen readers announce it. It goes away when the person moves to another page.
 */
let flashState: { message: string; path: string } | undefined;
const flashListeners = new Set<() => void>();

export function flash(message: string, path: string = currentPath()): void {
  flashState = { message, path };
  for (const listener of flashListeners) listener();
}

window.addEventListener('hashchange', () => {
  if (flashState && flashState.path !== currentPath()) flashState = undefined;
});

function useFlash(): string | undefined {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    flashListeners.add(listener);
    return () => {
      flashListeners.delete(listener);
    };
  }, []);
  return flashState && flashState.path === currentPath() ? flashState.message : undefined;
}

/**
 * One page: sets the document title and moves focus to the heading when the page opens, so a screen reader
 * announces where the person is after each navigation.
 */
export function Page({
  title,
  lead,
  back,
  children,
  wide,
}: {
  title: string;
  lead?: ComponentChildren;
  back?: { path: string; label: string };
  children?: ComponentChildren;
  wide?: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const message = useFlash();
  useEffect(() => {
    document.title = `${title} · PeerPath`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    <div class={wide ? 'page page-wide' : 'page'}>
      {back ? (
        <p class="back">
          <a href={href(back.path)}>← {back.label}</a>
        </p>
      ) : null}
      <div role="status" class="flash">
        {message ? <div class="notice notice-success">{message}</div> : null}
      </div>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {lead ? <div class="lead">{lead}</div> : null}
      {children}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      {what}…
    </p>
  );
}

/** What a load is doing: "Loading…" until the first answer, then its error (with a retry) if it failed. */
export function LoadStatus({
  loaded,
  what,
  failure,
}: {
  loaded: Loaded<unknown>;
  what?: string;
  /** An action's failure, shown in the same place when the load itself went well. */
  failure?: unknown;
}) {
  return (
    <>
      {loaded.loading && !loaded.data ? <Loading what={what} /> : null}
      <ErrorNotice error={loaded.error ?? failure} retry={loaded.reload} />
    </>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message;
  return 'Something went wrong in this page. Reload it; if it keeps happening, tell your coordinator.';
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry ? (
        <button type="button" class="button button-secondary" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Notice({
  kind = 'info',
  children,
  live,
}: {
  kind?: 'info' | 'success' | 'warning' | 'error';
  children: ComponentChildren;
  live?: boolean;
}) {
  return (
    <div class={`notice notice-${kind}`} role={live ? (kind === 'error' ? 'alert' : 'status') : undefined}>
      {children}
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: string; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function StageBadge({ stage }: { stage: Stage }) {
  return <Badge tone={`stage-${stage.toLowerCase()}`}>{STAGE_LABELS[stage]}</Badge>;
}

export function UrgencyBadge({ urgency }: { urgency: Urgency | undefined }) {
  if (!urgency) return null;
  return <Badge tone={`urgency-${urgency.toLowerCase()}`}>{URGENCY_LABELS[urgency]}</Badge>;
}

export function Link({
  to,
  children,
  class: className,
}: {
  to: string;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <a href={href(to)} class={className}>
      {children}
    </a>
  );
}

export function Section({
  title,
  children,
  id,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  id?: string;
  actions?: ComponentChildren;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section class="section" aria-labelledby={headingId}>
      <div class="section-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Term / detail pairs; empty details are left out. */
export function Details({ items }: { items: [string, ComponentChildren][] }) {
  const shown = items.filter(
    ([, value]) => value !== undefined && value !== null && value !== '' && value !== false,
  );
  if (shown.length === 0) return <p class="muted">Nothing recorded.</p>;
  return (
    <dl class="details">
      {shown.map(([term, value]) => (
        <div class="details-row" key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A question with its answers as buttons (confirm a match, goals achieved). It takes the focus when it
 * opens, so a keyboard user lands on the first answer rather than on a button that just went away.
 */
export function ConfirmBox({
  question,
  children,
}: {
  question: ComponentChildren;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button, textarea, input, select')?.focus();
  }, []);
  return (
    <fieldset class="confirm" ref={ref}>
      <legend>{question}</legend>
      {children}
    </fieldset>
  );
}

export function SubmitButton({ children, secondary }: { children: ComponentChildren; secondary?: boolean }) {
  return (
    <button type="submit" class={secondary ? 'button button-secondary' : 'button'}>
      {children}
    </button>
  );
}

/** A button that opens and closes a panel below it (a form for one action). */
export function ToggleButton({
  open,
  onToggle,
  class: className = 'button button-secondary',
  children,
}: {
  open: boolean;
  onToggle: () => void;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <button type="button" class={className} aria-expanded={open} onClick={onToggle}>
      {children}
    </button>
  );
}

/** A page whose subject has not come (yet): its title, and "Loading…" or why it did not come. */
export function PendingPage({
  title,
  back,
  loaded,
}: {
  title: string;
  back: { path: string; label: string };
  loaded: Loaded<unknown>;
}) {
  return (
    <Page title={title} back={back}>
      <LoadStatus loaded={loaded} />
    </Page>
  );
}

/** A checkbox in a list's toolbar that widens what the list shows (done debriefs, acknowledged alerts). */
export function ToolbarCheckbox({
  id,
  checked,
  onChange,
  children,
}: {
  id: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <div class="toolbar">
      <div class="checkbox">
        <input
          type="checkbox"
          id={id}
          checked={checked}
          onChange={(event) => onChange((event.currentTarget as HTMLInputElement).checked)}
        />
        <label for={id}>{children}</label>
      </div>
    </div>
  );
}
