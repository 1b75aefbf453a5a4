import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { ProgramRegion } from '#domain/roles.ts';
import type { RegionConfig } from '../regions.ts';
import type { PeerPathData } from './data.ts';
import { PROJECT_ROOT } from './peerpath-function.ts';
import { nameFor, StackPart, uniqueIdWithoutParts } from './stack-part.ts';

/** Where the web build lands; deployed only when it exists at synth (the web build is its own step). */
export const WEB_DIST_DIR = join(PROJECT_ROOT, 'web', 'dist');

/** The shape of `config.json`, which the pages read at start to find their region's API and sign-in. */
export interface WebConfig {
  apiUrl: string;
  region: ProgramRegion;
  userPoolId: string;
  userPoolClientId: string;
  /** The hosted sign-in base URL: `https://<prefix>.auth.<aws-region>.amazoncognito.com`. */
  cognitoDomain: string;
  /** Where Cognito sends the browser back with the authorization code (also the sign-out URL). */
  redirectUri: string;
}

export interface PeerPathWebProps {
  config: RegionConfig;
  /** The CLOUDFRONT-scope web ACL (us-east-1, the region's edge stack) in front of the pages and the API. */
  webAclArn?: string;
}

/**
 * The role of the page deployments. CDK's BucketDeployment grants `cloudfront:CreateInvalidation` and
 * `GetInvalidation` on `*`; both support the distribution's ARN, so that grant is narrowed to it.
 */
class WebDeploymentRole extends iam.Role {
  distributionArn: string | undefined;

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const json = statement.toStatementJson() as { Action?: string | string[]; Resource?: string | string[] };
    const actions = ([] as string[]).concat(json.Action ?? []);
    const isInvalidation = actions.length > 0 && actions.every((a) => a.startsWith('cloudfront:'));
    if (isInvalidation && this.distributionArn && String(json.Resource) === '*') {
      return super.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions, resources: [this.distributionArn] }),
      );
    }
    return super.addToPrincipalPolicy(statement);
  }
}

/**
 * The pages: a private, versioned, SSL-only bucket served by CloudFront through origin access control, the
 * access-log bucket (S3 server access logs and CloudFront standard logs), and the deployments of the build
 * and `config.json` ({@link PeerPathWeb.deployPages}, once the API and sign-in exist).
 */
export class PeerPathWeb extends StackPart {
  readonly accessLogsBucket: s3.Bucket;
  readonly webBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly webUrl: string;
  /** Where Cognito sends the browser back to (the pages' root). */
  readonly redirectUri: string;
  private readonly region: ProgramRegion;

  constructor(scope: Construct, id: string, { config, webAclArn }: PeerPathWebProps) {
    super(scope, id);
    const region = config.region;
    this.region = region;
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // CloudFront standard logging writes with an ACL grant.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.webBucket = new s3.Bucket(this, 'WebBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'web-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // `/referrals/` → `/referrals/index.html`, as `npm start` serves a directory.
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndexFunction', {
      functionName: nameFor(region, 'directory-index'),
      comment: 'Serves index.html for a directory path',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        'function handler(event) { var request = event.request; var uri = request.uri;' +
          " if (uri.endsWith('/')) { request.uri = uri + 'index.html'; }" +
          " else if (uri.split('/').pop().indexOf('.') === -1) { request.uri = uri + '/index.html'; }" +
          ' return request; }',
      ),
    });
    const webOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.webBucket, {
      // The id CloudFront's origin has had since the distribution was created in the stack's own scope
      // (CDK names a distribution's first origin `Origin1` and derives its id from the full path).
      originId: uniqueIdWithoutParts(this, 'WebDistribution', 'Origin1').slice(-128),
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'WebOriginAccessControl', {
        originAccessControlName: nameFor(region, 'web'),
        description: `PeerPath ${region}: CloudFront reads the pages from the web bucket`,
      }),
    });
    this.distribution = new cloudfront.Distribution(this, 'WebDistribution', {
      comment: `PeerPath ${config.displayName} pages`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: webOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [
          { function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        '/config.json': {
          origin: webOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // A custom domain gets its ACM certificate and TLS 1.2 or later; the default *.cloudfront.net
      // certificate cannot be given a security policy (CloudFront keeps TLSv1 for it).
      ...(config.webDomain
        ? {
            domainNames: [config.webDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(
              this,
              'WebCertificate',
              config.webDomain.certificateArn,
            ),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(webAclArn ? { webAclId: webAclArn } : {}),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.webUrl = `https://${config.webDomain?.domainName ?? this.distribution.distributionDomainName}`;
    this.redirectUri = `${this.webUrl}/`;
  }

  /** The path the region's API is served under on the pages' origin: `/<region>/*` (as `npm start` does). */
  get apiPathPattern(): string {
    return `/${this.region}/*`;
  }

  /** The API's base URL on the pages' origin (same origin: no CORS): `https://<pages>/<region>`. */
  get sameOriginApiUrl(): string {
    return `${this.webUrl}/${this.region}`;
  }

  /**
   * Serves the region's API through the distribution (so the CloudFront web ACL sees every API request):
   * `/<region>/*` goes to the HTTP API with the prefix removed, never cached, every viewer header but Host
   * forwarded. GET and HEAD requests keep `Authorization` only if the cache policy names it, so the API's
   * cache policy keys on it with a TTL of 0 (and at most 1 second when a response asks to be cached).
   * `/docs*`, `/config.json` and everything else stay with the pages.
   */
  serveApi(httpApi: apigwv2.IHttpApi): void {
    const prefix = `/${this.region}`;
    const stripRegion = new cloudfront.Function(this, 'ApiPathFunction', {
      functionName: nameFor(this.region, 'api-path'),
      comment: `Removes ${prefix} before the request goes to the API`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var request = event.request; var rest = request.uri.substring(${prefix.length});` +
          " request.uri = rest.length > 0 ? rest : '/'; return request; }",
      ),
    });
    const cachePolicy = new cloudfront.CachePolicy(this, 'ApiCachePolicy', {
      cachePolicyName: nameFor(this.region, 'api'),
      comment: 'The API: not cached; Authorization reaches the API on every method',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const stack = Stack.of(this);
    const origin = new origins.HttpOrigin(`${httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.distribution.addBehavior(this.apiPathPattern, origin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      functionAssociations: [
        { function: stripRegion, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    });
  }

  /**
   * Copies the build (when `webDistDir` exists at synth) and `config.json` to the web bucket, invalidating
   * what changed, through one role whose logs go to their own log group.
   */
  deployPages(
    webConfig: WebConfig,
    webDistDir: string,
    data: PeerPathData,
  ): { role: iam.Role; deployments: s3deploy.BucketDeployment[] } {
    const role = new WebDeploymentRole(this, 'WebDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `PeerPath ${this.region}: copies the pages and config.json to the web bucket`,
    });
    role.distributionArn = this.distribution.distributionArn;
    const deploymentLogs = data.logGroup(this, 'WebDeploymentLogs');
    deploymentLogs.grantWrite(role);
    const deployment = {
      destinationBucket: this.webBucket,
      distribution: this.distribution,
      role,
      logGroup: deploymentLogs,
    };
    // In the stack's own scope: a deployment tags the bucket with its construct address (a hash of its full
    // path), which stays as deployed only if the path does.
    const stack = Stack.of(this);
    const site = existsSync(webDistDir)
      ? new s3deploy.BucketDeployment(stack, 'WebPages', {
          ...deployment,
          sources: [s3deploy.Source.asset(webDistDir)],
          exclude: ['config.json'],
          distributionPaths: ['/*'],
        })
      : undefined;
    const config = new s3deploy.BucketDeployment(stack, 'WebConfig', {
      ...deployment,
      sources: [s3deploy.Source.jsonData('config.json', webConfig)],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distributionPaths: ['/config.json'],
    });
    if (site) config.node.addDependency(site);
    return { role, deployments: site ? [site, config] : [config] };
  }
}
