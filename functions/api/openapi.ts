import {
  buildOpenApiDocument,
  DOCS_CSP,
  type OpenApiDocument,
  renderDocsHtml,
  serversFor,
} from '#api/openapi.ts';
import { ROUTES, routes } from '#api/routes.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { json, publicHandler, routeDispatcher } from '#http/middleware.ts';

/**
 * `GET /openapi.json` and `GET /docs`. Under a region's path (`/vancouver/openapi.json`, the local
 * gateway) the server is that path; in the cloud (one stack per region, `PROGRAM_REGION` set) it is the
 * API's root; at the local gateway's root, every region's path.
 */
const documents = new Map<string, OpenApiDocument>();

function documentFor(region: ProgramRegion | undefined, regionInPath: boolean): OpenApiDocument {
  const key = `${region ?? '*'}:${regionInPath}`;
  let document = documents.get(key);
  if (!document) {
    document = buildOpenApiDocument(undefined, {
      servers: serversFor({ ...(region ? { region } : {}), regionInPath }),
    });
    documents.set(key, document);
  }
  return document;
}

const where = (event: { pathParameters?: Record<string, string | undefined> }, region?: ProgramRegion) => ({
  region,
  // A region comes from the path (local gateway) or from the stack's env (cloud, served at the root).
  regionInPath: event.pathParameters?.region !== undefined || region === undefined,
});

export const openapi = publicHandler(routes.openapi, async ({ event, region }) => {
  const w = where(event, region);
  return json(200, documentFor(w.region, w.regionInPath));
});

/** The interactive reference; its scripts are the pages' (`/docs/*.js`), served from the same origin. */
export const docs = publicHandler(routes.docs, async () => ({
  statusCode: 200,
  body: renderDocsHtml({ specUrl: 'openapi.json' }),
  headers: { 'content-security-policy': DOCS_CSP },
}));

export const dispatch = routeDispatcher(ROUTES, 'functions/api/openapi.ts', { openapi, docs });
