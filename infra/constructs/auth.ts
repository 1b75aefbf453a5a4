import { Aws, Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { ROLES } from '#domain/roles.ts';
import type { RegionConfig } from '../regions.ts';
import { RETAINED_EXCEPT_ON_CREATE } from './data.ts';
import { nameFor, StackPart } from './stack-part.ts';

/** `peer-worker` → `PeerWorker`. */
export const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/** Sign-in requests per client IP in any 5 minutes before WAF answers 403. */
export const SIGN_IN_RATE_LIMIT = 100;

export const wafVisibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

export interface PeerPathAuthProps {
  config: RegionConfig;
}

/**
 * Sign-in: the region's user pool (retained, fixed name), one group per role, the hosted sign-in domain, and
 * the pages' client, added once the pages' URL is known ({@link PeerPathAuth.addWebClient}).
 */
export class PeerPathAuth extends StackPart {
  readonly userPool: cognito.UserPool;
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** The regional web ACL of the user pool (hosted sign-in and its API). */
  readonly signInWebAcl: wafv2.CfnWebACL;
  private readonly region: RegionConfig['region'];

  constructor(scope: Construct, id: string, { config }: PeerPathAuthProps) {
    super(scope, id);
    const region = config.region;
    this.region = region;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `peerpath-${region}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        givenName: { required: false, mutable: true },
        familyName: { required: false, mutable: true },
      },
      // Set once when the account is created (AdminCreateUser); nobody can change it, not even an admin.
      customAttributes: { region: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: `Your PeerPath ${config.displayName} account`,
        emailBody:
          `You have a PeerPath ${config.displayName} account. Your username is {username} and your ` +
          'temporary password is {####}. You will choose a new password and set up an authenticator app ' +
          'when you first sign in.',
      },
      deletionProtection: true,
      removalPolicy: RETAINED_EXCEPT_ON_CREATE,
    });
    ROLES.forEach((role, index) => {
      this.userPool.addGroup(`Group${pascal(role)}`, {
        groupName: role,
        description: `PeerPath ${role}`,
        precedence: ROLES.length - index,
      });
    });
    // Sign-in is the one public surface the CloudFront web ACL does not cover: its own regional web ACL.
    this.signInWebAcl = new wafv2.CfnWebACL(this, 'SignInWebAcl', {
      name: nameFor(region, 'sign-in'),
      description: `PeerPath ${region}: per-IP rate limit and AWS common rules on sign-in`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility(nameFor(region, 'sign-in')),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: SIGN_IN_RATE_LIMIT,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: wafVisibility(nameFor(region, 'sign-in-rate')),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' },
          },
          visibilityConfig: wafVisibility(nameFor(region, 'sign-in-common')),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'SignInWebAclAssociation', {
      resourceArn: this.userPool.userPoolArn,
      webAclArn: this.signInWebAcl.attrArn,
    });
    this.userPoolDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: config.cognitoDomainPrefix ?? `peerpath-${region}-${Aws.ACCOUNT_ID}` },
    });
  }

  /** The pages' client: the code grant back to `redirectUri`, no secret; it reads `custom:region`, never writes it. */
  addWebClient(redirectUri: string): cognito.UserPoolClient {
    return this.userPool.addClient('WebClient', {
      userPoolClientName: nameFor(this.region, 'web'),
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [redirectUri],
        logoutUrls: [redirectUri],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, givenName: true, familyName: true })
        .withCustomAttributes('region'),
      // Not `custom:region`: nobody moves themselves to another region's data.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        givenName: true,
        familyName: true,
      }),
    });
  }
}
