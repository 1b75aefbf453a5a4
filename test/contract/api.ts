import { randomUUID } from 'node:crypto';
import { getReferral } from '#data/referrals/reads.ts';
import type { Store } from '#data/store.ts';
import { createWorker } from '#data/workers.ts';
import type { Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import { WorkerInputSchema } from '#domain/worker.ts';
import type { CanaryTarget } from '../support/canary-routes.ts';
import { type FlowCaller, type Reply, workerForm } from '../support/reliability-flow.ts';
import type { LambdaHosts } from './hosts.ts';
import type { StackTemplate } from './template.ts';

/**
 * The region's API as API Gateway would call the synthesized bundles: the template's routes (route key →
 * integration → function), events in the payload 2.0 shape with the JWT authorizer's claims flattened to
 * strings (`cognito:groups` as `"[coordinator]"`, `token_use: "id"`), and the function's result turned
 * into the HTTP reply. A path no route matches gets API Gateway's own 404.
 */

interface TemplateRoute {
  method: string;
  pattern: RegExp;
  params: string[];
  routeKey: string;
  functionId: string;
  authorized: boolean;
}

const POLL_MS = 50;
const WAIT_MS = 30_000;

export class ContractApi implements CanaryTarget {
  private readonly routes: TemplateRoute[];

  constructor(
    template: StackTemplate,
    private readonly hosts: LambdaHosts,
    private readonly store: Store,
    private readonly region: ProgramRegion,
  ) {
    const functions = template.routeFunctions();
    const authorization = new Map(
      template
        .ofType('AWS::ApiGatewayV2::Route')
        .map(([, r]) => [r.Properties?.RouteKey, r.Properties?.AuthorizationType === 'JWT']),
    );
    this.routes = [...functions]
      .map(([routeKey, functionId]) => {
        const [method, path] = routeKey.split(' ') as [string, string];
        const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        const source = path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '([^/]+)');
        return {
          method,
          pattern: new RegExp(`^${source}$`),
          params,
          routeKey,
          functionId,
          authorized: authorization.get(routeKey) === true,
        };
      })
      // A literal segment wins over a parameter (`/referrals/search` before `/referrals/{id}`).
      .sort((a, b) => a.params.length - b.params.length);
  }

  as(role: Role, region: ProgramRegion = this.region, sub?: string): FlowCaller {
    const claims = {
      sub: sub ?? `contract-${role}`,
      'cognito:groups': `[${role}]`,
      'cognito:username': sub ?? `contract-${role}`,
      'custom:region': region,
      email: `${role}@example.org`,
      email_verified: 'true',
      token_use: 'id',
      aud: 'contract-client',
      iss: 'https://cognito-idp.ca-central-1.amazonaws.com/contract',
      auth_time: String(Math.floor(Date.now() / 1000)),
      iat: String(Math.floor(Date.now() / 1000)),
      exp: String(Math.floor(Date.now() / 1000) + 3600),
    };
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      this.call(method, path, claims, body, headers);
    return {
      get: (path, headers) => call('GET', path, undefined, headers),
      post: (path, body, headers) => call('POST', path, body, headers),
      patch: (path, body, headers) => call('PATCH', path, body, headers),
      put: (path, body, headers) => call('PUT', path, body, headers),
      delete: (path, headers) => call('DELETE', path, undefined, headers),
    };
  }

  async call(
    method: string,
    target: string,
    claims: Record<string, string>,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Reply> {
    const [path = '', rawQuery = ''] = target.split('?');
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) return { status: 404, body: { message: 'Not Found' }, headers: new Headers() };
    const values = route.pattern.exec(path)!.slice(1);
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = {
      host: 'api.example.org',
      'user-agent': 'contract',
      authorization: 'Bearer contract',
      ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      ...Object.fromEntries(Object.entries(extraHeaders).map(([k, v]) => [k.toLowerCase(), v])),
    };
    const query: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(rawQuery))
      query[key] = key in query ? `${query[key]},${value}` : value;
    const now = Date.now();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: path,
      rawQueryString: rawQuery,
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(route.params.length > 0
        ? {
            pathParameters: Object.fromEntries(
              route.params.map((p, i) => [p, decodeURIComponent(values[i]!)]),
            ),
          }
        : {}),
      requestContext: {
        accountId: '123456789012',
        apiId: 'contract',
        domainName: 'api.example.org',
        domainPrefix: 'api',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'contract' },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
        ...(route.authorized ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      ...(text === undefined ? {} : { body: text }),
      isBase64Encoded: false,
    };
    const result = (await this.hosts.invoke(route.functionId, event)) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    const replyHeaders = new Headers(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]) as [string, string][],
    );
    let parsed: unknown = result.body;
    if ((replyHeaders.get('content-type') ?? '').includes('json') && result.body)
      parsed = JSON.parse(result.body);
    return { status: result.statusCode ?? 200, body: parsed, headers: replyHeaders };
  }

  async waitingIn(referralId: string, stage: Stage): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const referral = await getReferral(this.store, referralId).catch(() => undefined);
      if (referral?.stage === stage && referral.waitStage === stage && referral.waitToken !== undefined)
        return;
      if (Date.now() > deadline) throw new Error(`The machine never waited in ${stage} for ${referralId}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async addWorkers(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `w-${randomUUID()}`);
    for (const id of ids) {
      await createWorker(this.store, { id, input: WorkerInputSchema.parse(workerForm({ maxCaseload: 30 })) });
    }
    return ids;
  }
}
