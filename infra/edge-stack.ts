import { Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { ProgramRegion } from '#domain/roles.ts';
import type { RegionConfig } from './regions.ts';

/** CloudFront web ACLs live only in us-east-1, whatever region the distribution's stack deploys to. */
export const EDGE_AWS_REGION = 'us-east-1';

/** `PeerPath-<region>-edge`: the region's companion stack in us-east-1. */
export const edgeStackIdFor = (region: ProgramRegion): string => `PeerPath-${region}-edge`;

/**
 * Requests per client IP in any 5 minutes before WAF answers 403: everything through the distribution (pages,
 * config, API), and the API path alone. A person working through a queue makes a few requests a minute.
 */
export const EDGE_RATE_LIMITS = { all: 1000, api: 300 } as const;

export interface PeerPathEdgeStackProps extends StackProps {
  config: RegionConfig;
}

/**
 * The region's us-east-1 companion: the CLOUDFRONT-scope web ACL in front of the pages and the API (AWS WAF
 * cannot attach to an HTTP API, so the API is served through the pages' distribution). Rate-based rules per
 * client IP; the region's stack reads the ACL's ARN through a cross-region reference. No data lives here.
 */
export class PeerPathEdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: PeerPathEdgeStackProps) {
    super(scope, id, {
      description: `PeerPath ${props.config.displayName}: the CloudFront web ACL (us-east-1)`,
      crossRegionReferences: true,
      ...props,
    });
    const region = props.config.region;
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `peerpath-${region}-edge`,
      description: `PeerPath ${region}: per-IP rate limits on the pages and the API`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`peerpath-${region}-edge`),
      rules: [
        {
          name: 'RatePerIpApi',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: EDGE_RATE_LIMITS.api,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: `/${region}/`,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility(`peerpath-${region}-edge-rate-api`),
        },
        {
          name: 'RatePerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: EDGE_RATE_LIMITS.all,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility(`peerpath-${region}-edge-rate`),
        },
      ],
    });
  }
}
