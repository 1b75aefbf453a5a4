import * as z from 'zod/mini';
import { pathParameterNames, type RouteSpec } from '#api/route.ts';
import { PROGRAM_REGION_NAMES, PROGRAM_REGIONS, type ProgramRegion } from '#domain/roles.ts';
import { ROUTES } from './routes.ts';
import { ErrorBodySchema } from './schemas.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (`z.toJSONSchema`, JSON
 * Schema 2020-12, which OpenAPI 3.1 uses as is), and a plain HTML page rendered from it (no CDN, no script).
 */

export const OPENAPI_VERSION = '3.1.0';
/** The version of the API contract (not of the package). */
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;
export interface OpenApiServer {
  url: string;
  description?: string;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: OpenApiServer[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

const COMPONENT_REF = '#/components/schemas/';

/** What each group of operations is for (the reference's sections). */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Referrals: 'Submit, read, correct and re-refer referrals; each read of details is access-logged',
  Lifecycle: 'Move a referral through its stages; each call is one conditional write, 409 if it moved',
  Work: 'What the matched peer worker records: goal ratings, sessions and concerns',
  Workers: "The region's roster of peer support workers; creating one creates their login",
  Users: "The region's accounts (coordinators, clinicians, admins)",
  Supervision: 'Debriefs due after sessions that asked for one',
  Alerts: "The caller's inbox of alerts (ids, kinds and stages only, never health information)",
  Reports: 'Program figures for a date range (America/Vancouver days)',
  Groups: 'Peer support groups: their schedule, roster and meetings with attendance',
  Resources: 'The directory of community resources and the links made from clients to them',
  Service: 'Public: liveness, this document and its interactive reference',
};

/**
 * Converts zod schemas to JSON Schema, hoisting every named schema (registered in `z.globalRegistry` with an
 * `id`) into components.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      reused: 'inline',
      cycles: 'ref',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const { $schema: _dialect, $defs = {}, ...root } = json;
    // Choose a component name per local def; a name already taken by a different schema gets a suffix
    // (the same named schema seen as input and as output can differ: defaults, transforms).
    const names = new Map<string, string>(Object.keys($defs).map((name) => [name, name]));
    for (let pass = 0; pass < 10; pass++) {
      let changed = false;
      for (const [name, def] of Object.entries($defs)) {
        const chosen = names.get(name)!;
        const existing = this.components[chosen];
        if (existing && JSON.stringify(existing) !== JSON.stringify(rewriteRefs(def, names))) {
          names.set(name, nextName(chosen, io, this.components));
          changed = true;
        }
      }
      if (!changed) break;
    }
    for (const [name, def] of Object.entries($defs))
      this.components[names.get(name)!] = rewriteRefs(def, names);
    return rewriteRefs(root, names);
  }
}

function nextName(name: string, io: 'input' | 'output', taken: Record<string, unknown>): string {
  const base = io === 'input' && !name.endsWith('Input') ? `${name}Input` : name;
  if (!taken[base]) return base;
  for (let i = 2; ; i++) if (!taken[`${base}${i}`]) return `${base}${i}`;
}

function rewriteRefs<T>(value: T, names: Map<string, string>): T {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, names)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/')) {
        const name = item.slice('#/$defs/'.length);
        out[key] = `${COMPONENT_REF}${names.get(name) ?? name}`;
      } else {
        out[key] = rewriteRefs(item, names);
      }
    }
    return out as T;
  }
  return value;
}

const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description: 'Invalid input (field paths in `issues`, never the values); nothing written',
  },
  401: { name: 'Unauthorized', description: 'No valid bearer token' },
  403: { name: 'Forbidden', description: 'Your role may never call this route' },
  404: { name: 'NotFound', description: "Absent, not yours, or another region's" },
  409: {
    name: 'Conflict',
    description: 'Illegal transition, lost race, stale `version` or capacity reached',
  },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than the API accepts' },
  415: { name: 'UnsupportedMediaType', description: 'The body must be application/json' },
  422: { name: 'IdempotencyConflict', description: '`Idempotency-Key` reused with a different body' },
  500: { name: 'InternalError', description: 'Unexpected error; quote `correlationId`' },
  503: {
    name: 'ServiceUnavailable',
    description: 'The store is unreachable; retry after `Retry-After` seconds',
  },
};

function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>(route.errors ?? []);
  const request = route.request ?? {};
  if (request.body || request.query || request.params) statuses.add(400);
  if (request.body) {
    statuses.add(413);
    statuses.add(415);
  }
  if (!route.public) {
    for (const status of [401, 403, 404, 503]) statuses.add(status);
  }
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

function parameters(route: RouteSpec, collector: SchemaCollector): unknown[] {
  const result: unknown[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodMiniType | undefined, names?: string[]) => {
    const json = schema ? collector.convert(schema, 'input') : undefined;
    const properties = (json?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json?.required ?? []) as string[]);
    for (const name of names ?? Object.keys(properties)) {
      const { description, examples, ...property } = properties[name] ?? { type: 'string' };
      result.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: property,
        ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
      });
    }
  };
  add('path', route.request?.params, pathParameterNames(route.path));
  add('query', route.request?.query);
  if (route.idempotent) {
    result.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'A replay with the same key (per caller) returns the first response',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
      example: '3f0c2d1e-submit-referral-1',
    });
  }
  return result;
}

function operation(route: RouteSpec, collector: SchemaCollector): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const mediaType = route.produces ?? 'application/json';
    const content =
      schema === null
        ? mediaType === 'text/html'
          ? { content: { 'text/html': { schema: { type: 'string' } } } }
          : {}
        : { content: { [mediaType]: { schema: collector.convert(schema, 'output') } } };
    responses[status] = { description: Number(status) === 201 ? 'Created' : 'OK', ...content };
  }
  for (const status of errorStatuses(route)) {
    responses[String(status)] = { $ref: `#/components/responses/${ERROR_RESPONSES[status]!.name}` };
  }
  const body = route.request?.body;
  const bodySchema = body ? collector.convert(body, 'input') : undefined;
  // The body schema's first example (zod metadata) is the request's example too.
  const ref = typeof bodySchema?.$ref === 'string' ? bodySchema.$ref.slice(COMPONENT_REF.length) : undefined;
  const examples = (ref ? collector.components[ref] : bodySchema)?.examples as unknown[] | undefined;
  const bodyExample = examples?.[0];
  return {
    operationId: route.id,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.public ? [] : [{ bearerAuth: [] }],
    'x-peerpath-roles': route.public ? ['anyone'] : [...route.roles],
    ...(route.event ? { 'x-peerpath-event': route.event } : {}),
    parameters: parameters(route, collector),
    ...(body
      ? {
          requestBody: {
            required: !body.safeParse(undefined).success,
            content: {
              'application/json': {
                schema: bodySchema,
                ...(bodyExample === undefined ? {} : { example: bodyExample }),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** Server entries: one region's API (`/vancouver` locally, `/` in the cloud), or every region's. */
export function serversFor(where: { region?: ProgramRegion; regionInPath: boolean }): OpenApiServer[] {
  const regions = where.region ? [where.region] : [...PROGRAM_REGIONS];
  return regions.map((region) => ({
    url: where.regionInPath ? `/${region}` : '/',
    description: PROGRAM_REGION_NAMES[region],
  }));
}

export function buildOpenApiDocument(
  routes: readonly RouteSpec[] = ROUTES,
  options: { servers?: OpenApiServer[] } = {},
): OpenApiDocument {
  const collector = new SchemaCollector();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase()] = operation(route, collector);
    paths[route.path] = item;
  }
  const errorSchema = collector.convert(ErrorBodySchema, 'output');
  const responses: Record<string, unknown> = {};
  for (const [status, { name, description }] of Object.entries(ERROR_RESPONSES)) {
    responses[name] = {
      description,
      ...(status === '503'
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'PeerPath API',
      version: API_VERSION,
      description:
        'A peer-support program from referral to closure. Each program region has its own API; paths are ' +
        "relative to a region's base URL. Tokens are Cognito ID tokens carrying `custom:region` and the " +
        "caller's role as a `cognito:groups` group; a request for another region is 404. PeerPath is not " +
        'an emergency service.',
    },
    servers: options.servers ?? [{ url: '/' }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({
      name,
      ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}),
    })),
    paths,
    components: {
      schemas: collector.components,
      responses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito ID token of the region’s user pool (locally: `POST /local/token`)',
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The docs page
// ---------------------------------------------------------------------------------------------------------

/**
 * Where the docs page's scripts are, same-origin: scripts/build-web.ts copies Scalar's standalone bundle and
 * the page's own start-up script into `<pages>/docs/`, which the local gateway serves and the cloud's
 * CloudFront serves beside the pages.
 */
export const DOCS_ASSETS = {
  dir: 'docs',
  reference: 'api-reference.js',
  bootstrap: 'docs.js',
} as const;

/**
 * The docs page's own policy (the pages keep their strict one): Scalar sets styles inline, so `style-src`
 * allows them; scripts, data and fonts only from this origin (no CDN, no Scalar proxy or fonts).
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The interactive API reference (Scalar): an HTML shell with no inline script, loading the document from
 * `specUrl` (relative to the page: `/docs` → `/openapi.json`, `/vancouver/docs` → `/vancouver/openapi.json`).
 * Without a `specUrl` (the static copy in the cloud) the start-up script asks `/config.json` for the API.
 */
export function renderDocsHtml(options: { specUrl?: string; title?: string } = {}): string {
  const base = `/${DOCS_ASSETS.dir}/`;
  const title = options.title ?? 'PeerPath API reference';
  const spec = options.specUrl === undefined ? '' : ` data-document-url="${escapeHtml(options.specUrl)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript><p>The API reference needs JavaScript. The document itself: <a href="openapi.json">openapi.json</a> (OpenAPI ${OPENAPI_VERSION}).</p></noscript>
<div id="reference"${spec}></div>
<script src="${base}${DOCS_ASSETS.reference}"></script>
<script src="${base}${DOCS_ASSETS.bootstrap}"></script>
</body>
</html>
`;
}
