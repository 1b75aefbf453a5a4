import { ROUTES, routes } from '#api/routes.ts';
import { NotFoundError } from '#app/errors.ts';
import { type Alert, ackAlert, listAlerts } from '#data/alerts.ts';
import { decodeToken, encodeToken, invalidToken, type Page, pageLimit } from '#data/common.ts';
import { Audience, IndexKeys, Keys } from '#data/keys.ts';
import type { Store } from '#data/store.ts';
import { Role } from '#domain/roles.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * The caller's alerts. Everyone has their own inbox (`Audience.user(sub)`: a match for a clinician, a new
 * client for a worker); coordinators and admins also read the region's coordinators' inbox. Two inboxes are
 * merged newest first, with a page token holding each inbox's own cursor. An alert id is found only in the
 * caller's inboxes: anyone else's is 404.
 */

type InboxName = 'user' | 'coordinators';
interface Inbox {
  name: InboxName;
  audience: string;
}

export function inboxesOf(caller: Pick<Caller, 'sub' | 'role' | 'region'>): Inbox[] {
  const own: Inbox = { name: 'user', audience: Audience.user(caller.sub) };
  if (caller.role === Role.COORDINATOR || caller.role === Role.ADMIN) {
    return [own, { name: 'coordinators', audience: Audience.coordinators(caller.region) }];
  }
  return [own];
}

export function alertView(alert: Alert) {
  return {
    id: alert.id,
    kind: alert.kind,
    ...(alert.referralId !== undefined ? { referralId: alert.referralId } : {}),
    ...(alert.stage !== undefined ? { stage: alert.stage } : {}),
    ...(alert.level !== undefined ? { level: alert.level } : {}),
    ...(alert.details !== undefined ? { details: alert.details } : {}),
    createdAt: alert.createdAt,
    ...(alert.acknowledgedAt !== undefined ? { acknowledgedAt: alert.acknowledgedAt } : {}),
    ...(alert.acknowledgedBy !== undefined ? { acknowledgedBy: alert.acknowledgedBy } : {}),
  };
}

interface ListOptions {
  limit: number;
  nextToken?: string;
  unacknowledgedOnly: boolean;
}

/** Per inbox: '' = from the start, a data-layer page token, or null = nothing more. */
type Cursors = Partial<Record<InboxName, string | null>>;

function parseCursors(token: string | undefined, inboxes: readonly Inbox[]): Cursors {
  if (token === undefined) return {};
  const decoded = decodeToken(token) as { inboxes?: unknown } | null;
  const raw = decoded?.inboxes;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidToken();
  const cursors: Cursors = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!inboxes.some((inbox) => inbox.name === name)) throw invalidToken();
    if (value !== null && typeof value !== 'string') throw invalidToken();
    cursors[name as InboxName] = value;
  }
  return cursors;
}

/** The data layer's page token that resumes an inbox just after `alert`. */
function tokenAfter(inbox: Inbox, alert: Alert, unacknowledgedOnly: boolean): string {
  const key = Keys.alert(inbox.audience, alert.id);
  return encodeToken(
    unacknowledgedOnly
      ? { ...key, gsi1pk: IndexKeys.unacknowledgedAlerts(inbox.audience), gsi1sk: alert.id }
      : key,
  );
}

async function inboxPage(
  store: Store,
  inboxes: readonly Inbox[],
  options: ListOptions,
): Promise<Page<Alert>> {
  const [only] = inboxes;
  if (inboxes.length === 1 && only) return listAlerts(store, only.audience, options);

  const limit = pageLimit(options.limit);
  const cursors = parseCursors(options.nextToken, inboxes);
  const pages = await Promise.all(
    inboxes.map(async (inbox) => {
      const cursor = cursors[inbox.name];
      if (cursor === null) return { inbox, cursor, items: [] as Alert[], next: undefined };
      const page = await listAlerts(store, inbox.audience, {
        limit,
        unacknowledgedOnly: options.unacknowledgedOnly,
        ...(cursor ? { nextToken: cursor } : {}),
      });
      return { inbox, cursor, items: page.items, next: page.nextToken };
    }),
  );
  const taken = pages
    .flatMap((page) => page.items.map((alert) => ({ alert, inbox: page.inbox.name })))
    .sort((a, b) => (a.alert.id < b.alert.id ? 1 : a.alert.id > b.alert.id ? -1 : 0))
    .slice(0, limit);

  const next: Cursors = {};
  let more = false;
  for (const page of pages) {
    const mine = taken.filter((t) => t.inbox === page.inbox.name);
    const last = mine.at(-1);
    let cursor: string | null;
    if (page.cursor === null) cursor = null;
    else if (mine.length === page.items.length) cursor = page.next ?? null;
    else cursor = last ? tokenAfter(page.inbox, last.alert, options.unacknowledgedOnly) : (page.cursor ?? '');
    next[page.inbox.name] = cursor;
    if (cursor !== null) more = true;
  }
  return {
    items: taken.map((t) => t.alert),
    ...(more ? { nextToken: encodeToken({ inboxes: next }) } : {}),
  };
}

export const list = apiHandler(routes.listAlerts, async ({ caller, query }) => {
  const page = await inboxPage(depsFor(caller).store, inboxesOf(caller), {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    unacknowledgedOnly: query.acknowledged === false,
  });
  // Acknowledged ones have no index of their own: keep those of the page (it may come out shorter).
  const items = page.items.filter(
    (a) =>
      (query.acknowledged !== true || a.acknowledgedAt !== undefined) &&
      (query.kind === undefined || a.kind === query.kind),
  );
  return json(200, {
    items: items.map(alertView),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const acknowledge = apiHandler(routes.acknowledgeAlert, async ({ caller, params }) => {
  const { store } = depsFor(caller);
  for (const inbox of inboxesOf(caller)) {
    try {
      return json(200, alertView(await ackAlert(store, inbox.audience, params.id, caller.sub)));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  throw new NotFoundError('Alert', params.id);
});

/**
 * FACE's stand-in for `POST /alerts/ack` (issue 14) until CORE's lands: the caller's alerts by id, or every
 * unacknowledged one of a kind, in the caller's inboxes; ids not theirs are not counted.
 */
export const acknowledgeMany = apiHandler(routes.acknowledgeAlerts, async ({ caller, body }) => {
  const { store } = depsFor(caller);
  let acknowledged = 0;
  for (const inbox of inboxesOf(caller)) {
    const { items } = await listAlerts(store, inbox.audience, { limit: 100, unacknowledgedOnly: true });
    const chosen = items.filter(
      (alert) =>
        (body.ids === undefined || body.ids.includes(alert.id)) &&
        (body.kind === undefined || alert.kind === body.kind),
    );
    for (const alert of chosen) {
      await ackAlert(store, inbox.audience, alert.id, caller.sub);
      acknowledged += 1;
    }
  }
  return json(200, { acknowledged });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/alerts.ts', {
  list,
  acknowledge,
  acknowledgeMany,
});
