import { describe, expect, it } from 'vitest';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import {
  allRegionConfigs,
  concurrencyOverruns,
  DEFAULT_API_THROTTLE,
  DEFAULT_AWS_REGION,
  DEFAULT_LAMBDA_CONCURRENCY,
  DEFAULT_LAMBDA_QUOTA,
  type RegionConfig,
  regionConfig,
  stackIdFor,
} from '../../infra/regions.ts';

describe('the region configuration (infra/regions.ts)', () => {
  it('lists the four program regions, each deploying to a Canadian AWS region by default', () => {
    const configs = allRegionConfigs({});

    expect(configs.map((c) => c.region)).toEqual([...PROGRAM_REGIONS]);
    expect(configs.map((c) => stackIdFor(c.region))).toEqual([
      'PeerPath-vancouver',
      'PeerPath-north-shore',
      'PeerPath-richmond',
      'PeerPath-sea-to-sky',
    ]);
    for (const config of configs) {
      expect(config).toMatchObject({
        awsRegion: DEFAULT_AWS_REGION,
        account: undefined,
        mailFrom: undefined,
        opsEmails: [],
        timers: DEFAULT_TIMERS,
        cognitoDomainPrefix: undefined,
        lambdaReservedConcurrency: DEFAULT_LAMBDA_CONCURRENCY,
        apiThrottle: DEFAULT_API_THROTTLE,
      });
    }
  });

  it('reads account, AWS region, the mail sender, timers and limits from the environment per region', () => {
    const config = regionConfig('north-shore', {
      PEERPATH_ACCOUNT_NORTH_SHORE: '111122223333',
      PEERPATH_AWS_REGION_NORTH_SHORE: 'ca-west-1',
      PEERPATH_MAIL_FROM_NORTH_SHORE: 'PeerPath North Shore <alerts@peerpath.example.org>',
      PEERPATH_OPS_EMAILS_NORTH_SHORE: 'ops@example.org',
      PEERPATH_TIMERS_NORTH_SHORE: '{"triage":3600}',
      PEERPATH_COGNITO_DOMAIN_NORTH_SHORE: 'peerpath-ns-signin',
      PEERPATH_LAMBDA_CONCURRENCY_NORTH_SHORE: '5',
      PEERPATH_LAMBDA_QUOTA: '400',
      PEERPATH_WEB_DOMAIN_NORTH_SHORE: 'northshore.peerpath.example.org',
      PEERPATH_WEB_CERTIFICATE_ARN_NORTH_SHORE:
        'arn:aws:acm:us-east-1:111122223333:certificate/0f3b1a2c-1111-2222-3333-444455556666',
      PEERPATH_API_RATE_NORTH_SHORE: '20',
      PEERPATH_API_BURST_NORTH_SHORE: '40',
      PEERPATH_ACCOUNT_VANCOUVER: '999999999999',
    });

    expect(config).toMatchObject({
      account: '111122223333',
      awsRegion: 'ca-west-1',
      mailFrom: 'PeerPath North Shore <alerts@peerpath.example.org>',
      opsEmails: ['ops@example.org'],
      timers: { ...DEFAULT_TIMERS, triage: 3600 },
      cognitoDomainPrefix: 'peerpath-ns-signin',
      lambdaReservedConcurrency: 5,
      lambdaConcurrencyQuota: 400,
      webDomain: {
        domainName: 'northshore.peerpath.example.org',
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f3b1a2c-1111-2222-3333-444455556666',
      },
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
    });
  });

  it('reserves no Lambda concurrency by default, against the default account quota', () => {
    const config = regionConfig('vancouver', {});

    expect(DEFAULT_LAMBDA_CONCURRENCY).toBe(0);
    expect(config.lambdaReservedConcurrency).toBe(0);
    expect(config.lambdaConcurrencyQuota).toBe(DEFAULT_LAMBDA_QUOTA);
    expect(config.webDomain).toBeUndefined();
  });

  it('reports the stacks of one account and AWS region whose reservations do not fit its quota', () => {
    const reserving = (quota: string): RegionConfig[] =>
      allRegionConfigs({
        CDK_DEFAULT_ACCOUNT: '111122223333',
        PEERPATH_LAMBDA_QUOTA: quota,
        PEERPATH_LAMBDA_CONCURRENCY_VANCOUVER: '10',
        PEERPATH_LAMBDA_CONCURRENCY_NORTH_SHORE: '10',
        PEERPATH_LAMBDA_CONCURRENCY_RICHMOND: '10',
        PEERPATH_LAMBDA_CONCURRENCY_SEA_TO_SKY: '10',
      });

    // 4 stacks x 14 functions x 10 = 560 reserved: a quota must leave 100 unreserved beyond that.
    expect(concurrencyOverruns(reserving('660'), () => 14)).toEqual([]);
    expect(concurrencyOverruns(reserving('659'), () => 14)).toEqual([
      expect.stringMatching(
        /^111122223333\/ca-central-1: vancouver, north-shore, richmond, sea-to-sky reserve 560/,
      ),
    ]);
    expect(concurrencyOverruns(allRegionConfigs({ PEERPATH_LAMBDA_QUOTA: '10' }), () => 14)).toEqual([]);
  });

  it('falls back to the CDK default account when no region account is set', () => {
    expect(regionConfig('richmond', { CDK_DEFAULT_ACCOUNT: '444455556666' }).account).toBe('444455556666');
  });

  it('refuses a non-Canadian AWS region, a bad sign-in domain prefix and a negative concurrency', () => {
    expect(() => regionConfig('vancouver', { PEERPATH_AWS_REGION_VANCOUVER: 'us-east-1' })).toThrow(
      /Canadian/,
    );
    expect(() => regionConfig('vancouver', { PEERPATH_COGNITO_DOMAIN_VANCOUVER: 'My_Domain' })).toThrow(
      /lower-case/,
    );
    expect(() => regionConfig('vancouver', { PEERPATH_COGNITO_DOMAIN_VANCOUVER: 'aws-peerpath' })).toThrow(
      /without aws/,
    );
    expect(() => regionConfig('vancouver', { PEERPATH_LAMBDA_CONCURRENCY_VANCOUVER: '-1' })).toThrow(
      /whole number/,
    );
    expect(() => regionConfig('vancouver', { PEERPATH_WEB_DOMAIN_VANCOUVER: 'v.example.org' })).toThrow(
      /go together/,
    );
    expect(() =>
      regionConfig('vancouver', {
        PEERPATH_WEB_DOMAIN_VANCOUVER: 'v.example.org',
        PEERPATH_WEB_CERTIFICATE_ARN_VANCOUVER: 'arn:aws:acm:ca-central-1:111122223333:certificate/abc',
      }),
    ).toThrow(/us-east-1/);
  });

  it('takes one mail sender per region and refuses a list or a non-address', () => {
    expect(regionConfig('vancouver', { PEERPATH_MAIL_FROM_VANCOUVER: ' alerts@example.org ' }).mailFrom).toBe(
      'alerts@example.org',
    );
    for (const bad of ['a@example.org, b@example.org', 'alerts', 'PeerPath <alerts>'])
      expect(() => regionConfig('vancouver', { PEERPATH_MAIL_FROM_VANCOUVER: bad }), bad).toThrow(
        /PEERPATH_MAIL_FROM_VANCOUVER must be one email address/,
      );
  });

  it('no longer reads deploy-time alert address lists for people', () => {
    const config = regionConfig('vancouver', {
      PEERPATH_ALERT_EMAILS_VANCOUVER: 'a@example.org',
      PEERPATH_ALERT_SMS_VANCOUVER: '+16045550100',
    });
    expect(JSON.stringify(config)).not.toContain('a@example.org');
    expect(JSON.stringify(config)).not.toContain('+16045550100');
  });
});
