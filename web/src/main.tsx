import './zod-config.ts';
import { render } from 'preact';
import { App } from './app.tsx';
import { completeCloudSignIn, isSignInCallback, refreshCloudSession } from './cognito.ts';
import { type AppConfig, loadConfig } from './config.ts';
import { startSession } from './session.ts';
import './styles.css';

/** Loads the settings, finishes a hosted sign-in if this load is its return, then shows the pages. */
async function boot(root: HTMLElement): Promise<void> {
  let config: AppConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    const message = error instanceof Error ? error.message : 'PeerPath could not start.';
    render(
      <main class="page page-narrow">
        <h1>PeerPath could not start</h1>
        <p>{message} Please reload the page; if it keeps happening, tell your coordinator.</p>
      </main>,
      root,
    );
    return;
  }
  let problem: string | undefined;
  if (config.mode === 'cloud' && isSignInCallback()) {
    try {
      startSession(await completeCloudSignIn(config));
    } catch (error) {
      problem = error instanceof Error ? error.message : 'The sign-in could not be completed.';
    }
  } else if (config.mode === 'cloud') {
    await refreshCloudSession(config); // a reload after the ID token's hour keeps an active session
  }
  root.textContent = '';
  render(<App config={config} problem={problem} />, root);
}

const root = document.getElementById('app');
if (root) void boot(root);
