import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretKeys } from '#app/ports.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { createDocumentClient, type DocumentClientOptions } from './client.ts';
import { tableNameFor } from './table.ts';

/** What every repository function takes first: the client, the region's table and the clock. */
export interface Store {
  doc: DynamoDBDocumentClient;
  tableName: string;
  region: ProgramRegion;
  /** The clock (tests pass a fixed or advancing one). */
  now(): Date;
  /** The region's secret key for keyed hashes (client pointers); required to write a referral. */
  secrets?: SecretKeys;
}

export interface StoreOptions extends DocumentClientOptions {
  region: ProgramRegion;
  /** An existing client (shared by the regions of one process); otherwise one is created. */
  doc?: DynamoDBDocumentClient;
  /** Defaults to `tableNameFor(region)`. */
  tableName?: string;
  now?: () => Date;
  secrets?: SecretKeys;
}

export function createStore(options: StoreOptions): Store {
  const { region, doc, tableName, now, secrets, ...clientOptions } = options;
  return {
    doc: doc ?? createDocumentClient(clientOptions),
    tableName: tableName ?? tableNameFor(region),
    region,
    now: now ?? (() => new Date()),
    ...(secrets ? { secrets } : {}),
  };
}
