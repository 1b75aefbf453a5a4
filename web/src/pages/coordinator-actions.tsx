import { useState } from 'preact/hooks';
import { OPEN_STAGES, Stage } from '#domain/lifecycle.ts';
import { useApp } from '../app-context.ts';
import { useAction } from '../hooks.ts';
import { ErrorNotice, flash, Link, Section, ToggleButton } from '../ui/layout.tsx';
import { allowedEvents, type ReferralView } from '../views.ts';
import { Candidates } from './candidates.tsx';
import { CloseForm, DeclineForm, HoldForm } from './referral-action-forms.tsx';

/**
 * What a coordinator can do with a referral now (the lifecycle table decides): the moves, each reason's
 * form, and the ranked candidates to match or reassign to.
 */

type Panel = 'decline' | 'close' | 'hold' | 'reassign' | undefined;

export function CoordinatorActions({
  referral,
  onChanged,
}: {
  referral: ReferralView;
  onChanged: () => void;
}) {
  const { api, session } = useApp();
  const events = allowedEvents(referral, session.role);
  const [panel, setPanel] = useState<Panel>(referral.stage === Stage.GOALS_ACHIEVED ? 'close' : undefined);
  const { failure, run } = useAction();
  const open = OPEN_STAGES.includes(referral.stage);
  const changed = () => {
    setPanel(undefined);
    onChanged();
  };
  const simple = (what: 'accept' | 'resume') =>
    run(async () => {
      if (what === 'accept') await api.call('acceptReferral', { params: { id: referral.id } });
      else await api.call('resumeReferral', { params: { id: referral.id }, body: {} });
      flash(what === 'accept' ? 'Accepted. It is now waiting for a match.' : 'Sessions resumed.');
      onChanged();
    });
  const toggle = (next: Panel) => setPanel(panel === next ? undefined : next);
  return (
    <>
      {open ? (
        <Section title="Actions" id="actions">
          <div class="actions">
            {events.includes('accept') ? (
              <button type="button" class="button" onClick={() => simple('accept')}>
                Accept for matching
              </button>
            ) : null}
            {events.includes('decline') ? (
              <ToggleButton open={panel === 'decline'} onToggle={() => toggle('decline')}>
                Decline…
              </ToggleButton>
            ) : null}
            {events.includes('resume') ? (
              <button type="button" class="button" onClick={() => simple('resume')}>
                Resume sessions
              </button>
            ) : null}
            {events.includes('hold') ? (
              <ToggleButton open={panel === 'hold'} onToggle={() => toggle('hold')}>
                Put on hold…
              </ToggleButton>
            ) : null}
            {events.includes('reassign') ? (
              <ToggleButton open={panel === 'reassign'} onToggle={() => toggle('reassign')}>
                Reassign…
              </ToggleButton>
            ) : null}
            {events.includes('close') ? (
              <ToggleButton
                open={panel === 'close'}
                onToggle={() => toggle('close')}
                class={referral.stage === Stage.GOALS_ACHIEVED ? 'button' : 'button button-secondary'}
              >
                {referral.stage === Stage.GOALS_ACHIEVED ? 'Confirm closure…' : 'Close early…'}
              </ToggleButton>
            ) : null}
            <Link to={`/referrals/${referral.id}/edit`} class="button button-link">
              Correct the details
            </Link>
          </div>
          <ErrorNotice error={failure} />
          {panel === 'decline' ? <DeclineForm referral={referral} onChanged={changed} /> : null}
          {panel === 'hold' ? <HoldForm referral={referral} onChanged={changed} /> : null}
          {panel === 'close' ? <CloseForm referral={referral} onChanged={changed} /> : null}
        </Section>
      ) : null}
      {events.includes('match') ? (
        <Candidates referral={referral} mode="match" onChanged={onChanged} />
      ) : null}
      {panel === 'reassign' && events.includes('reassign') ? (
        <Candidates referral={referral} mode="reassign" onChanged={changed} />
      ) : null}
    </>
  );
}
