import { describe, expect, it } from 'vitest';
import { applyUpdate, updateParams } from '#data/tx.ts';

describe('update expressions', () => {
  it('writes setIfAbsent with if_not_exists and numeric add in the ADD clause', () => {
    const params = updateParams({
      set: { updatedAt: 't2' },
      setIfAbsent: { createdAt: 't2' },
      addToSet: { ids: ['a'] },
      add: { version: 1 },
    });

    expect(params.UpdateExpression).toBe('SET #u0 = :u0, #u1 = if_not_exists(#u1, :u1) ADD #u2 :u2, #u3 :u3');
    expect(params.ExpressionAttributeNames).toEqual({
      '#u0': 'updatedAt',
      '#u1': 'createdAt',
      '#u2': 'ids',
      '#u3': 'version',
    });
    expect(params.ExpressionAttributeValues).toEqual({
      ':u0': 't2',
      ':u1': 't2',
      ':u2': new Set(['a']),
      ':u3': 1,
    });
  });

  it('applies them locally as DynamoDB does: an absent number counts as 0, a present attribute is kept', () => {
    const spec = { setIfAbsent: { createdAt: 't2' }, add: { version: 1 } };

    expect(applyUpdate({}, spec)).toEqual({ createdAt: 't2', version: 1 });
    expect(applyUpdate({ createdAt: 't1', version: 4 }, spec)).toEqual({ createdAt: 't1', version: 5 });
  });
});
