import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SecretKeys } from '#app/ports.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { hmacKeyParameterName } from '#domain/settings.ts';

export { hmacKeyParameterName };

/**
 * The cloud's `SecretKeys`: the region's HMAC key is an SSM SecureString parameter (base64 of at least 32
 * random bytes), `/peerpath/<region>/hmac-key` unless the function's `HMAC_KEY_PARAMETER` names another.
 * It is read once per container (the promise is cached; a failed read is retried on the next call). The
 * function needs `ssm:GetParameter` on that parameter and `kms:Decrypt` on the key that encrypts it.
 */

/** The shortest key accepted: HMAC-SHA256 keys shorter than its output weaken it. */
export const MIN_KEY_BYTES = 32;

export class SsmSecretKeys implements SecretKeys {
  private readonly cache = new Map<ProgramRegion, Promise<Uint8Array>>();
  private readonly client: Pick<SSMClient, 'send'>;
  private readonly parameterName: (region: ProgramRegion) => string;

  constructor(
    options: {
      client?: Pick<SSMClient, 'send'>;
      env?: Readonly<Record<string, string | undefined>>;
    } = {},
  ) {
    this.client = options.client ?? new SSMClient({});
    const named = (options.env ?? process.env).HMAC_KEY_PARAMETER;
    this.parameterName = (region) => named || hmacKeyParameterName(region);
  }

  regionKey(region: ProgramRegion): Promise<Uint8Array> {
    let key = this.cache.get(region);
    if (!key) {
      key = this.read(region);
      this.cache.set(region, key);
      key.catch(() => this.cache.delete(region));
    }
    return key;
  }

  private async read(region: ProgramRegion): Promise<Uint8Array> {
    const out = await this.client.send(
      new GetParameterCommand({ Name: this.parameterName(region), WithDecryption: true }),
    );
    const key = Buffer.from(out.Parameter?.Value ?? '', 'base64');
    // The message names the parameter only, never its value.
    if (key.length < MIN_KEY_BYTES) {
      throw new Error(`${this.parameterName(region)} must hold at least ${MIN_KEY_BYTES} bytes, base64`);
    }
    return new Uint8Array(key);
  }
}
