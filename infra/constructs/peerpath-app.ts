import { App, type AppProps } from 'aws-cdk-lib';
import { acknowledgeNagFindings, addNagChecks } from '../nag.ts';
import { allRegionConfigs, concurrencyOverruns, type RegionConfig, stackIdFor } from '../regions.ts';
import { PeerPathStack, stackPropsFor } from '../stack.ts';

export interface PeerPathAppOptions {
  /** @default every program region, configured from the environment */
  configs?: RegionConfig[];
  appProps?: AppProps;
}

/**
 * The CDK app: one `PeerPath-<region>` stack per program region, reviewed by the cdk-nag AwsSolutions and
 * HIPAA Security packs (any finding not acknowledged in `infra/nag.ts` fails the synth).
 */
export function createPeerPathApp(options: PeerPathAppOptions = {}): { app: App; stacks: PeerPathStack[] } {
  const app = new App(options.appProps);
  addNagChecks(app);
  const configs = options.configs ?? allRegionConfigs();
  const stacks = configs.map((config) => {
    const stack = new PeerPathStack(app, stackIdFor(config.region), stackPropsFor(config));
    acknowledgeNagFindings(stack);
    return stack;
  });
  // Reserved concurrency is shared by every stack of an account and AWS region: a sum the quota cannot
  // hold would fail the deploy half-way, so it fails the synth instead.
  const overruns = concurrencyOverruns(
    configs,
    (config) => stacks.find((s) => s.config === config)?.functionCount ?? 0,
  );
  if (overruns.length > 0) throw new Error(`Reserved Lambda concurrency:\n${overruns.join('\n')}`);
  return { app, stacks };
}
