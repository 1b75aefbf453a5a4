import * as z from 'zod/mini';
import { ProgramRegionSchema } from '#domain/roles.ts';

/**
 * Where the pages find the API and how people sign in.
 *
 * In the cloud the stack writes `/config.json` beside the pages (S3 + CloudFront):
 *   { apiUrl, region, userPoolId, userPoolClientId, cognitoDomain, redirectUri }
 * `apiUrl` is the region's API base URL on the pages' own origin (`https://<pages>/<region>`: CloudFront serves
 * the API under `/<region>/*`, behind its web ACL), so the pages call it without CORS; `cognitoDomain` the hosted sign-in domain (with or without
 * `https://`); `redirectUri` the pages' own URL as registered on the app client (callback and sign-out).
 *
 * Locally (`npm start`) there is no `/config.json` (404): the API is under `/{region}` on the same origin and
 * the local sign-in page asks the local signer (`POST /local/token`) for a token.
 */

export const CloudConfigSchema = z.object({
  apiUrl: z.url(),
  region: ProgramRegionSchema,
  userPoolId: z.string().check(z.minLength(1)),
  userPoolClientId: z.string().check(z.minLength(1)),
  cognitoDomain: z.string().check(z.minLength(1)),
  redirectUri: z.url(),
});
export type CloudConfig = z.infer<typeof CloudConfigSchema>;

export type AppConfig = { mode: 'local' } | ({ mode: 'cloud' } & CloudConfig);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** `https://` + domain unless it already names a scheme. */
export function cognitoOrigin(domain: string): string {
  return withoutTrailingSlash(/^https?:\/\//.test(domain) ? domain : `https://${domain}`);
}

export async function loadConfig(): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetch('./config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ConfigError('PeerPath could not be reached to load its settings.', { cause: error });
  }
  if (response.status === 404) return { mode: 'local' };
  if (!response.ok)
    throw new ConfigError(`PeerPath's settings could not be loaded (HTTP ${response.status}).`);
  const parsed = CloudConfigSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ConfigError("PeerPath's settings file is not valid.");
  return { mode: 'cloud', ...parsed.data, apiUrl: withoutTrailingSlash(parsed.data.apiUrl) };
}

/** The base URL of a region's API. */
export function apiBaseUrl(config: AppConfig, region: string): string {
  return config.mode === 'cloud' ? config.apiUrl : `/${region}`;
}
