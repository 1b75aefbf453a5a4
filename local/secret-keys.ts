import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretKeys } from '#app/ports.ts';
import type { ProgramRegion } from '#domain/roles.ts';

/**
 * The laptop's `SecretKeys`: one random 32-byte key per region in `<dataDir>/hmac-key-<region>` (base64,
 * mode 0600), made on first use and kept, so the client pointers of a kept table stay findable across
 * restarts. Like local/jwt.ts's signing key, two processes starting at once end up with the same key.
 */
export class LocalSecretKeys implements SecretKeys {
  private readonly cache = new Map<ProgramRegion, Promise<Uint8Array>>();

  constructor(private readonly options: { dataDir: string }) {}

  /** The key file of a region. */
  fileOf(region: ProgramRegion): string {
    return join(this.options.dataDir, `hmac-key-${region}`);
  }

  regionKey(region: ProgramRegion): Promise<Uint8Array> {
    let key = this.cache.get(region);
    if (!key) {
      key = this.load(region);
      this.cache.set(region, key);
      key.catch(() => this.cache.delete(region));
    }
    return key;
  }

  private async load(region: ProgramRegion): Promise<Uint8Array> {
    const path = this.fileOf(region);
    const existing = await readKey(path);
    if (existing) return existing;
    await mkdir(this.options.dataDir, { recursive: true });
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      await link(temp, path); // fails if another process made it first: then theirs is the key
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    const made = await readKey(path);
    if (!made) throw new Error(`${path} could not be created`);
    return made;
  }
}

async function readKey(path: string): Promise<Uint8Array | undefined> {
  try {
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    if (key.length < 32) throw new Error(`${path} is not a PeerPath key; delete it to make a new one`);
    return new Uint8Array(key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
