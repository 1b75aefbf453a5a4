import { useState } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { Badge, flash, Link, LoadStatus, Page, ToolbarCheckbox } from '../ui/layout.tsx';
import { type DebriefView, shortId, type WorkerView } from '../views.ts';

/** The debriefs workers asked for after a session, for a coordinator to follow up, soonest due first. */

export function DebriefsPage() {
  const { api } = useApp();
  const [showDone, setShowDone] = useState(false);
  const loaded = useLoad(async () => {
    const [debriefs, workers] = await Promise.all([
      api.call('listDebriefs', { query: { limit: 100, ...(showDone ? {} : { done: 'false' }) } }),
      api.call('listWorkers', { query: { limit: 100 } }).catch(() => ({ items: [] as WorkerView[] })),
    ]);
    return {
      debriefs: debriefs.items,
      names: new Map(workers.items.map((w) => [w.id, `${w.firstName} ${w.lastName}`])),
    };
  }, [showDone]);
  const { failure, run } = useAction();
  const now = new Date().toISOString();
  const complete = (debrief: DebriefView) =>
    run(async () => {
      await api.call('completeDebrief', { params: { id: debrief.id } });
      flash('Debrief marked done.');
      await loaded.reload();
    });
  const items = [...(loaded.data?.debriefs ?? [])].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return (
    <Page
      title="Debriefs to follow up"
      lead={<p>Workers who asked for a supervision debrief after a session, soonest due first.</p>}
    >
      <ToolbarCheckbox id="show-done" checked={showDone} onChange={setShowDone}>
        Include debriefs already done
      </ToolbarCheckbox>
      <LoadStatus loaded={loaded} failure={failure} />
      {loaded.data && items.length === 0 ? <p>No debrief to follow up.</p> : null}
      <ul class="cards" aria-label="Debriefs">
        {items.map((debrief) => {
          const overdue = !debrief.done && debrief.dueAt < now;
          const headingId = `debrief-${debrief.id}`;
          return (
            <li key={debrief.id} class={`card${overdue ? ' card-overdue' : ''}`} aria-labelledby={headingId}>
              <div class="card-head">
                <h2 id={headingId} class="card-title">
                  {loaded.data?.names.get(debrief.workerId) ?? 'A worker'}
                </h2>
                {overdue ? <Badge tone="overdue">Overdue</Badge> : null}
                {debrief.done ? <Badge tone="done">Done</Badge> : null}
              </div>
              <p class="meta">
                Due {formatDate(debrief.dueAt)} ·{' '}
                <Link to={`/referrals/${debrief.referralId}`}>Referral {shortId(debrief.referralId)}</Link>
                {debrief.doneAt ? ` · done ${formatDate(debrief.doneAt)}` : ''}
              </p>
              {debrief.done ? null : (
                <button type="button" class="button button-secondary" onClick={() => complete(debrief)}>
                  Mark debrief done
                  <span class="visually-hidden">
                    {' '}
                    for {loaded.data?.names.get(debrief.workerId) ?? 'this worker'}
                  </span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </Page>
  );
}
