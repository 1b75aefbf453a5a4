import { describe, expect, it } from 'vitest';
import { authorize, callerFromClaims, parseGroups, requestRegion, rolesFromGroups } from '#http/auth.ts';
import { ConfigurationError, classifyError } from '#http/errors.ts';

const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: 'user-1',
  'cognito:groups': ['coordinator'],
  'custom:region': 'vancouver',
  email: 'coordinator@example.org',
  token_use: 'id',
  ...overrides,
});

const eventFor = (c: Record<string, unknown> | undefined, pathRegion?: string) => ({
  pathParameters: pathRegion === undefined ? undefined : { region: pathRegion },
  requestContext: c === undefined ? {} : { authorizer: { jwt: { claims: c, scopes: null } } },
});

function statusOf(fn: () => unknown): number | string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    // The status the error registry gives it; a 500 by its name, to tell a wiring mistake apart.
    const { statusCode } = classifyError(error);
    return statusCode < 500 ? statusCode : (error as Error).name;
  }
}

describe('parseGroups', () => {
  it.each([
    ['an array', ['admin', 'coordinator'], ['admin', 'coordinator']],
    ["API Gateway's bracketed form", '[admin coordinator]', ['admin', 'coordinator']],
    ['a single bracketed group', '[peer-worker]', ['peer-worker']],
    ['an empty bracket', '[]', []],
    ['nothing', undefined, []],
    ['a number', 42, []],
  ])('reads %s', (_label, input, expected) => {
    expect(parseGroups(input)).toEqual(expected);
  });

  it.each([
    ['a comma-separated string', 'admin, coordinator'],
    ['a JSON array string', '["admin","coordinator"]'],
    ['a bare group name', 'peer-worker'],
  ])("reads no PeerPath role from %s (not the authorizer's form)", (_label, input) => {
    expect(rolesFromGroups(parseGroups(input))).toEqual([]);
  });

  it('keeps a group whose name holds a comma as that one name', () => {
    expect(parseGroups('[clinician,admin]')).toEqual(['clinician,admin']);
    expect(parseGroups(['clinician,admin'])).toEqual(['clinician,admin']);
  });
});

describe('a Cognito group named "clinician,admin"', () => {
  it.each([
    ['flattened by API Gateway', '[clinician,admin]'],
    ['as an array', ['clinician,admin']],
  ])('grants no role at all (%s): 403', (_label, groups) => {
    expect(statusOf(() => callerFromClaims(claims({ 'cognito:groups': groups })))).toBe(403);
  });

  it('grants only the real groups beside it', () => {
    expect(callerFromClaims(claims({ 'cognito:groups': '[clinician,admin clinician]' })).roles).toEqual([
      'clinician',
    ]);
  });
});

describe('rolesFromGroups', () => {
  it('keeps PeerPath roles only, most privileged first', () => {
    expect(rolesFromGroups(['peer-worker', 'us-east-1_Google', 'admin', 'clinician'])).toEqual([
      'admin',
      'clinician',
      'peer-worker',
    ]);
  });
});

describe('callerFromClaims', () => {
  it('builds the caller from Cognito ID token claims', () => {
    expect(callerFromClaims(claims())).toEqual({
      sub: 'user-1',
      role: 'coordinator',
      roles: ['coordinator'],
      region: 'vancouver',
      email: 'coordinator@example.org',
    });
  });

  it('reads flattened API Gateway claims ("[a b]" groups)', () => {
    const caller = callerFromClaims(claims({ 'cognito:groups': '[peer-worker admin]', email: undefined }));
    expect(caller).toEqual({
      sub: 'user-1',
      role: 'admin',
      roles: ['admin', 'peer-worker'],
      region: 'vancouver',
    });
  });

  it.each([
    ['no claims at all', undefined],
    ['no sub', claims({ sub: undefined })],
    ['an empty sub', claims({ sub: '  ' })],
    ['no region', claims({ 'custom:region': undefined })],
    ['a region that is not a program region', claims({ 'custom:region': 'atlantis' })],
    ['an access token', claims({ token_use: 'access' })],
    ['a token without token_use', claims({ token_use: undefined })],
  ])('answers 401 for %s', (_label, input) => {
    expect(statusOf(() => callerFromClaims(input))).toBe(401);
  });

  it('answers 403 for a valid identity holding no PeerPath group', () => {
    expect(statusOf(() => callerFromClaims(claims({ 'cognito:groups': '[other-app]' })))).toBe(403);
  });
});

describe('requestRegion', () => {
  it('takes the region from the path when the gateway mounts one', () => {
    expect(requestRegion({ pathParameters: { region: 'richmond' } }, { PROGRAM_REGION: 'vancouver' })).toBe(
      'richmond',
    );
  });

  it("takes the stack's PROGRAM_REGION when the path has none (cloud)", () => {
    expect(requestRegion({ pathParameters: { id: 'x' } }, { PROGRAM_REGION: 'sea-to-sky' })).toBe(
      'sea-to-sky',
    );
  });

  it('answers 404 for a path region that is not a program region', () => {
    expect(statusOf(() => requestRegion({ pathParameters: { region: 'atlantis' } }, {}))).toBe(404);
  });

  it('is a configuration error (500) when neither path nor env names a region', () => {
    expect(statusOf(() => requestRegion({}, {}))).toBe('ConfigurationError');
    expect(() => requestRegion({}, {})).toThrow(ConfigurationError);
  });
});

describe('authorize', () => {
  const staff = ['coordinator', 'admin'] as const;

  it('answers 404, not 403, for a token of another region, whatever the role', () => {
    expect(statusOf(() => authorize(eventFor(claims(), 'richmond'), staff))).toBe(404);
    const clinician = claims({ 'cognito:groups': ['clinician'] });
    expect(statusOf(() => authorize(eventFor(clinician, 'richmond'), staff))).toBe(404);
  });

  it('answers 403 for a role the route never allows', () => {
    expect(
      statusOf(() => authorize(eventFor(claims({ 'cognito:groups': 'clinician' }), 'vancouver'), staff)),
    ).toBe(403);
  });

  it('answers 401 before anything else when the claims are missing', () => {
    expect(statusOf(() => authorize(eventFor(undefined, 'richmond'), staff))).toBe(401);
  });

  it('acts as the most privileged role the route allows', () => {
    const both = claims({ 'cognito:groups': ['admin', 'peer-worker'] });
    expect(authorize(eventFor(both, 'vancouver'), ['peer-worker']).role).toBe('peer-worker');
    expect(authorize(eventFor(both, 'vancouver'), ['peer-worker', 'coordinator', 'admin']).role).toBe(
      'admin',
    );
  });

  it("uses the stack's region in the cloud", () => {
    const caller = authorize(eventFor(claims()), staff, { PROGRAM_REGION: 'vancouver' });
    expect(caller.region).toBe('vancouver');
    expect(statusOf(() => authorize(eventFor(claims()), staff, { PROGRAM_REGION: 'richmond' }))).toBe(404);
  });
});
