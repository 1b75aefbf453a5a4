import { useState } from 'preact/hooks';
import {
  LINK_MOVES,
  type LinkStatus,
  RESOURCE_CATEGORIES,
  type ResourceCategory,
} from '#domain/resources.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { ErrorNotice, flash, LoadStatus, Page, Section } from '../ui/layout.tsx';
import { isStaff } from '../views.ts';

/**
 * The community resource directory (everyone browses it; coordinators add entries) and, on a client's page,
 * their groups and resource links: link the client to a resource and follow the link's status.
 */

export const CATEGORY_LABELS: Record<ResourceCategory, string> = {
  HOUSING: 'Housing',
  FOOD: 'Food',
  EMPLOYMENT: 'Employment',
  EDUCATION: 'Education',
  RECREATION: 'Recreation',
  ARTS: 'Arts',
  PEER_GROUP: 'Peer group',
  HEALTH: 'Health',
  FINANCIAL: 'Financial',
  LEGAL: 'Legal',
  CULTURAL: 'Cultural',
  SPIRITUAL: 'Spiritual',
  OTHER: 'Other',
};

export const LINK_STATUS_LABELS: Record<LinkStatus, string> = {
  SUGGESTED: 'Suggested',
  CONTACTED: 'Contacted',
  CONNECTED: 'Connected',
  STILL_CONNECTED: 'Still connected',
  DID_NOT_CONNECT: 'Did not connect',
};

function SearchFields({
  q,
  category,
  onQ,
  onCategory,
}: {
  q: string;
  category: string;
  onQ: (value: string) => void;
  onCategory: (value: string) => void;
}) {
  return (
    <div class="toolbar">
      <div class="field">
        <label for="resource-q">Name starts with</label>
        <input
          id="resource-q"
          class="input input-medium"
          type="search"
          value={q}
          onInput={(e) => onQ(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="resource-category">Category</label>
        <select
          id="resource-category"
          class="input input-medium"
          value={category}
          onChange={(e) => onCategory(e.currentTarget.value)}
        >
          <option value="">Any</option>
          {RESOURCE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function useDirectory(q: string, category: string) {
  const { api } = useApp();
  return useLoad(
    () =>
      api.call('listResources', {
        query: {
          limit: 100,
          q: q.trim() || undefined,
          category: (category || undefined) as ResourceCategory | undefined,
        },
      }),
    [q, category],
  );
}

export function DirectoryPage() {
  const { session } = useApp();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const loaded = useDirectory(q, category);
  return (
    <Page
      title="Community resources"
      lead={<p>The region's directory: food banks, clubhouses, work, classes and groups.</p>}
    >
      <SearchFields q={q} category={category} onQ={setQ} onCategory={setCategory} />
      <LoadStatus loaded={loaded} />
      <ul class="cards" aria-label="Resources">
        {(loaded.data?.items ?? []).map((r) => (
          <li key={r.id} class="card" aria-labelledby={`resource-${r.id}`}>
            <h2 id={`resource-${r.id}`} class="card-title">
              {r.name}
            </h2>
            <p class="meta">
              {CATEGORY_LABELS[r.category]} · {r.neighbourhood ?? r.address} · {r.languages.join(', ')}
            </p>
            {r.hours ? <p>{r.hours}</p> : null}
            {r.phone ? <p>{r.phone}</p> : null}
          </li>
        ))}
      </ul>
      {isStaff(session.role) ? <NewResourceForm onCreated={loaded.reload} /> : null}
    </Page>
  );
}

function NewResourceForm({ onCreated }: { onCreated: () => Promise<void> | void }) {
  const { api } = useApp();
  const { failure, run } = useAction();
  const [name, setName] = useState('');
  const [category, setCategory] = useState<ResourceCategory>('FOOD');
  const [address, setAddress] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api.call('createResource', {
        body: { name, category, address: address || 'ONLINE', languages: ['English'], active: true },
      });
      flash('Resource added.');
      setName('');
      await onCreated();
    });
  };
  return (
    <Section title="Add a resource">
      <form onSubmit={submit} class="form-body">
        <ErrorNotice error={failure} />
        <div class="field">
          <label for="new-resource-name">Name</label>
          <input
            id="new-resource-name"
            class="input"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label for="new-resource-category">Category</label>
          <select
            id="new-resource-category"
            class="input input-medium"
            value={category}
            onChange={(e) => setCategory(e.currentTarget.value as ResourceCategory)}
          >
            {RESOURCE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="new-resource-address">Address (or ONLINE)</label>
          <input
            id="new-resource-address"
            class="input"
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          Add resource
        </button>
      </form>
    </Section>
  );
}

/** A client's groups, meetings attended and resource links, with linking and status updates. */
export function CommunitySection({ referralId }: { referralId: string }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('referralCommunity', { params: { id: referralId } }), [referralId]);
  const { failure, run } = useAction();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [searching, setSearching] = useState(false);
  const directory = useDirectory(searching ? q : '', searching ? category : '');
  const link = (resourceId: string) =>
    run(async () => {
      await api.call('createLink', { params: { id: referralId }, body: { resourceId } });
      flash('Resource suggested.');
      setSearching(false);
      await loaded.reload();
    });
  const move = (linkId: string, status: LinkStatus) =>
    run(async () => {
      const reason = status === 'DID_NOT_CONNECT' ? (window.prompt('What got in the way?') ?? '') : undefined;
      if (reason === '') return;
      await api.call('moveLink', {
        params: { id: referralId, linkId },
        body: { status, ...(reason ? { reason } : {}) },
      });
      flash(`Marked ${LINK_STATUS_LABELS[status].toLowerCase()}.`);
      await loaded.reload();
    });
  const data = loaded.data;
  return (
    <Section title="Groups and community resources" id="community">
      <LoadStatus loaded={loaded} failure={failure} />
      {data?.groups && data.groups.length > 0 ? (
        <p>Groups: {data.groups.map((g) => g.name).join(', ')}</p>
      ) : null}
      {data?.meetings && data.meetings.length > 0 ? (
        <ul aria-label="Group meetings attended">
          {data.meetings.map((m) => (
            <li key={m.meetingId}>
              {formatDate(m.date)} · {m.groupName}
            </li>
          ))}
        </ul>
      ) : null}
      <ul class="cards" aria-label="Resource links">
        {(data?.links ?? []).map((l) => (
          <li key={l.id} class="card" aria-labelledby={`link-${l.id}`}>
            <h3 id={`link-${l.id}`} class="card-title">
              {l.resourceName}
            </h3>
            <p class="meta">
              {CATEGORY_LABELS[l.category]} · {LINK_STATUS_LABELS[l.status]} since {formatDate(l.updatedAt)}
            </p>
            <div class="actions">
              {LINK_MOVES[l.status].map((to) => (
                <button key={to} type="button" class="button button-secondary" onClick={() => move(l.id, to)}>
                  Mark {LINK_STATUS_LABELS[to].toLowerCase()}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      {searching ? (
        <div>
          <SearchFields q={q} category={category} onQ={setQ} onCategory={setCategory} />
          <ul aria-label="Matching resources">
            {(directory.data?.items ?? []).slice(0, 20).map((r) => (
              <li key={r.id}>
                {r.name} <span class="meta">({CATEGORY_LABELS[r.category]})</span>{' '}
                <button type="button" class="button button-secondary" onClick={() => link(r.id)}>
                  Suggest {r.name}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <button type="button" class="button" onClick={() => setSearching(true)}>
          Link to a resource
        </button>
      )}
    </Section>
  );
}
