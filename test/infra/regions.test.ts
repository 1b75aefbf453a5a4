import { describe, expect, it } from 'vitest';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import {
  allRegionConfigs,
  DEFAULT_API_THROTTLE,
  DEFAULT_AWS_REGION,
  DEFAULT_LAMBDA_CONCURRENCY,
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
      PEERPATH_LAMBDA_CONCURRENCY_NORTH_SHORE: '0',
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
      lambdaReservedConcurrency: 0,
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
    });
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
