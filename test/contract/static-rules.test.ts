import { describe, expect, inject, it } from 'vitest';
import { ACCOUNT_CONCURRENCY_QUOTA } from './config.ts';
import {
  alarmTopicsAllowCloudWatch,
  assemblyTemplates,
  namedRetainedResources,
  reservable,
  reservedConcurrency,
  waitsRetryThrottling,
} from './static-rules.ts';

/**
 * Deploy traps read from every synthesized template (issue 15, items 12–15): each would fail or stall a
 * first `cdk deploy`. The stacks of all program regions share one account by default.
 */
describe('the synthesized templates', () => {
  const templates = assemblyTemplates(inject('cdkOut'));

  it('include every program region', () => {
    expect(templates.map((t) => t.stack)).toHaveLength(4);
  });

  it("let CloudWatch publish to every alarm's topic", () => {
    expect(templates.flatMap(({ stack, template }) => alarmTopicsAllowCloudWatch(stack, template))).toEqual(
      [],
    );
  });

  it('retry Lambda throttling in every wait for a task token', () => {
    expect(templates.flatMap(({ stack, template }) => waitsRetryThrottling(stack, template))).toEqual([]);
  });

  it('retain named resources except when their first create fails', () => {
    expect(templates.flatMap(({ stack, template }) => namedRetainedResources(stack, template))).toEqual([]);
  });

  it("reserve no more concurrency than the account's quota allows", () => {
    const { total, byStack } = reservedConcurrency(templates);
    expect({ total, byStack }).toEqual({
      total: expect.toSatisfy((n: number) => n <= reservable(ACCOUNT_CONCURRENCY_QUOTA)),
      byStack,
    });
  });
});
