import { App, type AppProps } from 'aws-cdk-lib';
import { EDGE_AWS_REGION, edgeStackIdFor, PeerPathEdgeStack } from '../edge-stack.ts';
import { acknowledgeEdgeNagFindings, acknowledgeNagFindings, addNagChecks } from '../nag.ts';
import { allRegionConfigs, concurrencyOverruns, type RegionConfig, stackIdFor } from '../regions.ts';
import { PeerPathStack, stackPropsFor } from '../stack.ts';

export interface PeerPathAppOptions {
  /** @default every program region, configured from the environment */
  configs?: RegionConfig[];
  appProps?: AppProps;
}

/**
 * The CDK app: one `PeerPath-<region>` stack per program region (and its us-east-1 companion
 * `PeerPath-<region>-edge`, the CloudFront web ACL), reviewed by the cdk-nag AwsSolutions and
 * HIPAA Security packs (any finding not acknowledged in `infra/nag.ts` fails the synth).
 */
export function createPeerPathApp(options: PeerPathAppOptions = {}): { app: App; stacks: PeerPathStack[] } {
  const app = new App(options.appProps);
  addNagChecks(app);
  const configs = options.configs ?? allRegionConfigs();
  const stacks = configs.map((config) => {
    // The CloudFront web ACL must be in us-east-1: a companion stack, read through a cross-region reference.
    const edge = new PeerPathEdgeStack(app, edgeStackIdFor(config.region), {
      config,
      env: { account: config.account, region: EDGE_AWS_REGION },
      terminationProtection: true,
    });
    acknowledgeEdgeNagFindings(edge);
    const stack = new PeerPathStack(app, stackIdFor(config.region), {
      ...stackPropsFor(config),
      crossRegionReferences: true,
      webAclArn: edge.webAcl.attrArn,
    });
    stack.addStackDependency(edge, 'the web ACL of its distribution');
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
