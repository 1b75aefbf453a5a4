import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { SsmSecretKeys } from '#aws/ssm-secret-keys.ts';
import { LocalSecretKeys } from '../../../local/secret-keys.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('LocalSecretKeys', () => {
  it('makes one 32-byte key per region on first use, mode 0600, and keeps it across instances', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-keys-'));
    dirs.push(dataDir);

    // Act
    const first = new LocalSecretKeys({ dataDir });
    const [a, b] = await Promise.all([
      first.regionKey('vancouver'),
      new LocalSecretKeys({ dataDir }).regionKey('vancouver'),
    ]);
    const again = await new LocalSecretKeys({ dataDir }).regionKey('vancouver');
    const other = await first.regionKey('richmond');

    // Assess
    expect(a).toHaveLength(32);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(again).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(other).equals(Buffer.from(a))).toBe(false);
    expect((await stat(first.fileOf('vancouver'))).mode & 0o777).toBe(0o600);
  });
});

describe('SsmSecretKeys', () => {
  const key = Buffer.alloc(32, 9).toString('base64');

  it('reads /peerpath/<region>/hmac-key decrypted, once per container', async () => {
    // Prepare
    const sent: GetParameterCommand['input'][] = [];
    const client = {
      send: async (command: GetParameterCommand) => {
        sent.push(command.input);
        return { Parameter: { Value: key } };
      },
    };
    const keys = new SsmSecretKeys({ client: client as never, env: {} });

    // Act
    const [a, b] = await Promise.all([keys.regionKey('vancouver'), keys.regionKey('vancouver')]);
    await keys.regionKey('vancouver');

    // Assess
    expect(sent).toEqual([{ Name: '/peerpath/vancouver/hmac-key', WithDecryption: true }]);
    expect(Buffer.from(a).equals(Buffer.alloc(32, 9))).toBe(true);
    expect(b).toBe(a);
  });

  it('takes the parameter name from HMAC_KEY_PARAMETER, refuses a short key without showing it, and retries a failed read', async () => {
    // Prepare
    let value = 'c2hvcnQ='; // "short"
    const names: (string | undefined)[] = [];
    const client = {
      send: async (command: GetParameterCommand) => {
        names.push(command.input.Name);
        return { Parameter: { Value: value } };
      },
    };
    const keys = new SsmSecretKeys({ client: client as never, env: { HMAC_KEY_PARAMETER: '/custom/key' } });

    // Act
    const refused = await keys.regionKey('richmond').catch((error: Error) => error.message);
    value = key;
    const read = await keys.regionKey('richmond');

    // Assess
    expect(refused).toBe('/custom/key must hold at least 32 bytes, base64');
    expect(read).toHaveLength(32);
    expect(names).toEqual(['/custom/key', '/custom/key']);
  });
});
