import { App, type AppProps } from 'aws-cdk-lib';
import { acknowledgeNagFindings, addNagChecks } from '../nag.ts';
import { allRegionConfigs, type RegionConfig, stackIdFor } from '../regions.ts';
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
  const stacks = (options.configs ?? allRegionConfigs()).map((config) => {
    const stack = new PeerPathStack(app, stackIdFor(config.region), stackPropsFor(config));
    acknowledgeNagFindings(stack);
    return stack;
  });
  return { app, stacks };
}
