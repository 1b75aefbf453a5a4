import { describe, expect, it } from 'vitest';
import { isAllowed, wildcardMatch } from './iam.ts';
import type { PolicyStatement } from './template.ts';

const TABLE = 'arn:aws:dynamodb:ca-central-1:123456789012:table/peerpath-vancouver';

const allow = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:Query'],
  Resource: [TABLE, `${TABLE}/index/*`],
  ...extra,
});

describe('the contract IAM evaluation', () => {
  it('matches actions case-insensitively and resources with wildcards', () => {
    expect(wildcardMatch('dynamodb:get*', 'dynamodb:GetItem', true)).toBe(true);
    expect(isAllowed([allow()], { action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` })).toBe(true);
    expect(isAllowed([allow()], { action: 'dynamodb:PutItem', resource: TABLE })).toBe(false);
    expect(isAllowed([allow()], { action: 'dynamodb:GetItem', resource: `${TABLE}2` })).toBe(false);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: ['dynamodb:*'], Resource: ['*'] };
    expect(isAllowed([allow(), deny], { action: 'dynamodb:GetItem', resource: TABLE })).toBe(false);
  });

  it('evaluates dynamodb:LeadingKeys over every partition key the request touches', () => {
    const scoped = allow({
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REF#*', 'ALERTS#*'] } },
    });
    const call = (leadingKeys: string[]) => ({ action: 'dynamodb:GetItem', resource: TABLE, leadingKeys });
    expect(isAllowed([scoped], call(['REF#1']))).toBe(true);
    expect(isAllowed([scoped], call(['REF#1', 'ALERTS#x']))).toBe(true);
    expect(isAllowed([scoped], call(['REF#1', 'WORKER#w']))).toBe(false);
    const exact = allow({ Condition: { StringEquals: { 'dynamodb:LeadingKeys': 'REF#1' } } });
    expect(isAllowed([exact], call(['REF#1']))).toBe(true);
    expect(isAllowed([exact], call(['REF#2']))).toBe(false);
  });

  it('never allows through a condition key it does not know', () => {
    const other = allow({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    expect(isAllowed([other], { action: 'dynamodb:GetItem', resource: TABLE })).toBe(false);
  });
});
