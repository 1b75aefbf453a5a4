import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { HandlerRef, RouteSpec } from '#api/route.ts';
import { ValidationError } from '#domain/errors.ts';
import { ConfigurationError } from '#http/errors.ts';

/** The local gateway's routing: each route's handler, loaded once, and the route table a request is matched in. */

export type GatewayLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** The default `loadHandler`: `import(<rootDir>/<file>)[export]`, each module imported once. */
export function importHandler(rootDir: string): (ref: HandlerRef) => Promise<GatewayLambda> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  return async (ref) => {
    let module = modules.get(ref.file);
    if (!module) {
      module = import(pathToFileURL(resolve(rootDir, ref.file)).href) as Promise<Record<string, unknown>>;
      modules.set(ref.file, module);
      module.catch(() => modules.delete(ref.file));
    }
    const handler = (await module)[ref.export];
    if (typeof handler !== 'function')
      throw new ConfigurationError(`${ref.file} has no export ${ref.export}`);
    return handler as GatewayLambda;
  };
}

export interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
  /** `GET /referrals/{id}`, as API Gateway names it. */
  routeKey: string;
  /** The local stand-in for the route's Lambda function name. */
  functionName: string;
  /** The route's handler, once loaded. */
  handler?: GatewayLambda;
}

function compile(route: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split(/(\{[A-Za-z0-9_]+\})/)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
      if (param) {
        names.push(param[1]!);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const functionName = `peerpath-local-${route.handler.file.replace(/[^A-Za-z0-9]+/g, '-')}-${route.handler.export}`;
  return {
    route,
    pattern: new RegExp(`^${source}$`),
    names,
    routeKey: `${route.method} ${route.path}`,
    functionName,
  };
}

/** Routes grouped by their number of path segments: a request is only tried against its own group. */
export class RouteTable {
  private readonly bySegments = new Map<number, CompiledRoute[]>();

  constructor(routes: readonly RouteSpec[]) {
    for (const route of routes) {
      const compiled = compile(route);
      const count = segmentCount(route.path);
      const group = this.bySegments.get(count) ?? [];
      group.push(compiled);
      this.bySegments.set(count, group);
    }
    // As API Gateway does: a literal segment wins over a parameter (`/referrals/search` over `/referrals/{id}`).
    for (const group of this.bySegments.values()) group.sort((a, b) => paramCount(a) - paramCount(b));
  }

  match(method: string, path: string): Match {
    const allow: string[] = [];
    for (const compiled of this.bySegments.get(segmentCount(path)) ?? []) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      if (compiled.route.method !== method) {
        allow.push(compiled.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < compiled.names.length; i++) {
        const name = compiled.names[i]!;
        try {
          params[name] = decodeURIComponent(found[i + 1]!);
        } catch {
          throw new ValidationError('The request is invalid', [
            { path: `params.${name}`, message: 'Malformed percent-encoding' },
          ]);
        }
      }
      return { compiled, params };
    }
    return allow.length > 0 ? { allow } : undefined;
  }
}

const paramCount = (compiled: CompiledRoute): number => compiled.names.length;

function segmentCount(path: string): number {
  let count = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47 /* / */) count++;
  return count;
}

export type Match =
  | { compiled: CompiledRoute; params: Record<string, string> }
  | { allow: string[] }
  | undefined;
