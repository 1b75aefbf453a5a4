import { describe, expect, it } from 'vitest';
import {
  alarmTopicsAllowCloudWatch,
  namedRetainedResources,
  reservable,
  reservedConcurrency,
} from './static-rules.ts';
import { type RawTemplate, StackTemplate } from './template.ts';

/** The static rules on small hand-written templates: each passes the compliant shape, names the other. */

const stackOf = (resources: RawTemplate['Resources']) =>
  new StackTemplate({ Resources: resources }, 'ca-central-1', '.');

describe('the static deploy rules', () => {
  it("pass an alarm whose topic's policy allows CloudWatch, and name the one whose does not", () => {
    const resources: RawTemplate['Resources'] = {
      Ops: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'ops' } },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Ops' }] } },
      Policy: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: [{ Ref: 'Ops' }],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' },
            ],
          },
        },
      },
    };
    expect(alarmTopicsAllowCloudWatch('S', stackOf(resources))).toEqual([]);
    const { Policy: _, ...withoutPolicy } = resources;
    expect(alarmTopicsAllowCloudWatch('S', stackOf(withoutPolicy))).toEqual(['S Alarm → Ops']);
  });

  it('accept RetainExceptOnCreate on a named table, and name a plain Retain', () => {
    const table = (policy: string) => ({
      Table: { Type: 'AWS::DynamoDB::Table', DeletionPolicy: policy, Properties: { TableName: 't' } },
      Logs: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain', Properties: {} },
    });
    expect(namedRetainedResources('S', stackOf(table('RetainExceptOnCreate')))).toEqual([]);
    expect(namedRetainedResources('S', stackOf(table('Retain')))).toEqual([
      'S Table (AWS::DynamoDB::Table) is Retain',
    ]);
  });

  it('add up reserved concurrency across stacks, against the quota less the unreserved minimum', () => {
    const fn = (n?: number) => ({
      Type: 'AWS::Lambda::Function',
      Properties: n === undefined ? {} : { ReservedConcurrentExecutions: n },
    });
    const templates = [
      { stack: 'A', template: stackOf({ F: fn(10), G: fn() }) },
      { stack: 'B', template: stackOf({ F: fn(5) }) },
    ];
    expect(reservedConcurrency(templates)).toEqual({ total: 15, byStack: { A: 10, B: 5 } });
    expect(reservable(1000)).toBe(900);
    expect(reservable(50)).toBe(0);
  });
});
