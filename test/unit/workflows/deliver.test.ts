import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DeliveryDeps } from '#services/deliveries.ts';
import { deliverBatch, newDeliveryIds } from '../../../workflows/tasks/deliver.ts';

const record = (
  eventName: 'INSERT' | 'MODIFY',
  image: Record<string, unknown>,
  sequence: string,
): DynamoDBStreamEvent['Records'][number] =>
  ({
    eventName,
    dynamodb: { NewImage: image, SequenceNumber: sequence },
  }) as DynamoDBStreamEvent['Records'][number];

const delivery = (id: string, digest = false) => ({
  type: { S: 'DELIVERY' },
  id: { S: id },
  digest: { BOOL: digest },
});

describe('the delivery stream handler', () => {
  it('takes only new, immediate DELIVERY items', () => {
    const event = {
      Records: [
        record('INSERT', delivery('A#u1#EMAIL'), '1'),
        record('MODIFY', delivery('A#u2#EMAIL'), '2'),
        record('INSERT', delivery('A#u3#EMAIL', true), '3'),
        record('INSERT', { type: { S: 'ALERT' }, id: { S: 'A' } }, '4'),
        record('INSERT', delivery('A#u4#SMS'), '5'),
      ],
    };
    expect(newDeliveryIds(event)).toEqual([
      { id: 'A#u1#EMAIL', sequence: '1' },
      { id: 'A#u4#SMS', sequence: '5' },
    ]);
  });

  it('reports the first delivery it could not record, so the stream retries from there', async () => {
    const failing = {
      store: {
        region: 'vancouver',
        tableName: 't',
        now: () => new Date(),
        doc: {
          send: async () => Promise.reject(Object.assign(new Error('down'), { name: 'StoreUnavailable' })),
        },
      },
      log: () => {},
    } as unknown as DeliveryDeps;
    const event = {
      Records: [record('INSERT', delivery('A#u1#EMAIL'), '7'), record('INSERT', delivery('A#u2#EMAIL'), '8')],
    };
    await expect(deliverBatch(failing, event)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '7' }],
    });
  });
});
