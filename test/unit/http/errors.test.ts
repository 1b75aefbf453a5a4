import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import {
  ConcurrentUpdateError,
  IdempotencyConflictError,
  NotFoundError,
  StoreUnavailableError,
  UserExistsError,
} from '#app/errors.ts';
import {
  CapacityExceededError,
  IllegalTransitionError,
  ValidationError,
  WorkerUnavailableError,
} from '#domain/errors.ts';
import {
  ConflictError,
  classifyError,
  ErrorRegistry,
  ForbiddenError,
  httpLogger,
  MalformedJsonError,
  toErrorResponse,
  UnauthorizedError,
} from '#http/errors.ts';
import { issuesFromZod } from '#http/issues.ts';

const CANARY = 'Canary-Jane-Doe-1987';

function respond(error: unknown) {
  const response = toErrorResponse(error, { correlationId: 'corr-1' });
  return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('toErrorResponse', () => {
  it('maps a zod error to 400 with field paths and never the values sent', () => {
    const schema = z.object({
      name: z.number(),
      goals: z.array(z.object({ title: z.string().check(z.maxLength(3)) })),
    });
    const result = schema.safeParse({ name: CANARY, goals: [{ title: CANARY }] });
    const { statusCode, json, body } = respond(result.error);
    expect(statusCode).toBe(400);
    expect(json.error).toBe('ValidationError');
    expect(json.issues).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'goals.0.title', message: expect.any(String) },
    ]);
    expect(body).not.toContain(CANARY);
  });

  it('replaces a custom message that would echo the input', () => {
    const schema = z.object({
      name: z.string().check(z.refine(() => false, { error: (iss) => `bad: ${iss.input}` })),
    });
    const input = { name: CANARY };
    const issues = issuesFromZod(schema.safeParse(input).error!.issues, { input });
    expect(issues).toEqual([{ path: 'name', message: 'Invalid value' }]);
    expect(JSON.stringify(issues)).not.toContain(CANARY);
  });

  it('answers malformed JSON with 400', () => {
    expect(respond(new MalformedJsonError())).toMatchObject({
      statusCode: 400,
      json: { error: 'MalformedJson' },
    });
  });

  it('passes a domain validation error on as 400 with its issues', () => {
    const error = new ValidationError('bad', [{ path: 'ratings.0', message: 'Must be from -2 to 2' }]);
    expect(respond(error).json).toMatchObject({
      error: 'ValidationError',
      issues: [{ path: 'ratings.0', message: 'Must be from -2 to 2' }],
    });
  });

  it.each([
    ['NotFoundError', new NotFoundError('Referral', '01ABC'), 404, 'NotFound'],
    ['IllegalTransitionError', new IllegalTransitionError('REFERRED', 'match'), 409, 'IllegalTransition'],
    ['ConcurrentUpdateError', new ConcurrentUpdateError('Referral', '01ABC'), 409, 'ConcurrentUpdate'],
    ['CapacityExceededError', new CapacityExceededError('w-1'), 409, 'CapacityExceeded'],
    ['WorkerUnavailableError', new WorkerUnavailableError('w-1'), 409, 'WorkerUnavailable'],
    ['IdempotencyConflictError', new IdempotencyConflictError(), 422, 'IdempotencyConflict'],
  ])('maps %s', (_name, error, status, code) => {
    const { statusCode, json } = respond(error);
    expect(statusCode).toBe(status);
    expect(json.error).toBe(code);
  });

  it.each([
    [new NotFoundError('Referral', '01ABC'), 404, { error: 'NotFound', message: 'Not found' }],
    [new NotFoundError(), 404, { error: 'NotFound', message: 'Not found' }],
    [
      new IllegalTransitionError('REFERRED', 'match'),
      409,
      { error: 'IllegalTransition', message: "Event 'match' is not allowed from stage REFERRED" },
    ],
    [
      new ConcurrentUpdateError('Referral', '01ABC'),
      409,
      { error: 'ConcurrentUpdate', message: 'Someone else changed this item first; reload it and try again' },
    ],
    [
      new CapacityExceededError('w-1'),
      409,
      { error: 'CapacityExceeded', message: 'The worker has reached their maximum caseload' },
    ],
    [
      new WorkerUnavailableError('w-1'),
      409,
      { error: 'WorkerUnavailable', message: 'The worker is not active and takes no new clients' },
    ],
    [
      new UserExistsError(),
      409,
      { error: 'UserExists', message: 'An account with this email already exists' },
    ],
    [
      new IdempotencyConflictError(),
      422,
      {
        error: 'IdempotencyConflict',
        message: 'This Idempotency-Key was already used with a different request body',
      },
    ],
    [new UnauthorizedError(), 401, { error: 'Unauthorized', message: 'A valid bearer token is required' }],
    [new ForbiddenError(), 403, { error: 'Forbidden', message: 'Your role may not call this route' }],
    [
      new ConflictError('Only a closed or declined referral can be re-referred', 'IllegalTransition'),
      409,
      { error: 'IllegalTransition', message: 'Only a closed or declined referral can be re-referred' },
    ],
  ])('answers %s with its status and exact body', (error, status, body) => {
    const { statusCode, json } = respond(error);
    expect(statusCode).toBe(status);
    expect(json).toEqual({ ...body, correlationId: 'corr-1' });
  });

  it('asks for a bearer token on 401', () => {
    expect(respond(new UnauthorizedError()).headers['www-authenticate']).toBe('Bearer');
  });

  it('does not reveal the id of a referral that was not found', () => {
    expect(respond(new NotFoundError('Referral', '01SECRET')).body).not.toContain('01SECRET');
  });

  it('maps by class, never by name: a look-alike class is an internal error', () => {
    vi.spyOn(httpLogger, 'error').mockImplementation(() => undefined);
    class NotFoundError extends Error {
      override name = 'NotFoundError';
    }
    class ConcurrentUpdateError extends Error {}
    expect(respond(new NotFoundError('x')).statusCode).toBe(500);
    expect(respond(new ConcurrentUpdateError('x')).statusCode).toBe(500);
  });

  it('maps a subclass as its nearest registered ancestor', () => {
    class ReferralNotFoundError extends NotFoundError {}
    expect(respond(new ReferralNotFoundError('Referral', '01ABC')).statusCode).toBe(404);
  });

  it('answers 503 with Retry-After when the store is unavailable', () => {
    vi.spyOn(httpLogger, 'warn').mockImplementation(() => undefined);
    const { statusCode, headers, json } = respond(new StoreUnavailableError(7));
    expect(statusCode).toBe(503);
    expect(headers['retry-after']).toBe('7');
    expect(json.error).toBe('ServiceUnavailable');
  });

  it.each([
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
    ],
    ['an SDK TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['socket hang up', new Error('socket hang up')],
    ['throttling', Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' })],
    [
      'a wrapped network error',
      new Error('send failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    ],
    [
      'an AggregateError of refusals',
      new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]),
    ],
  ])('answers 503 for a raw network failure: %s', (_label, error) => {
    vi.spyOn(httpLogger, 'warn').mockImplementation(() => undefined);
    const { statusCode, headers } = respond(error);
    expect(statusCode).toBe(503);
    expect(headers['retry-after']).toBe('2');
  });

  it('answers anything else with a generic 500 and a correlation id; the stack goes to the log only', () => {
    const logged = vi.spyOn(httpLogger, 'error').mockImplementation(() => undefined);
    const error = new TypeError(`cannot read ${CANARY}`);
    const { statusCode, body, json, headers } = respond(error);
    expect(statusCode).toBe(500);
    expect(json).toEqual({ error: 'InternalError', message: 'Internal error', correlationId: 'corr-1' });
    expect(headers['x-correlation-id']).toBe('corr-1');
    expect(body).not.toContain(CANARY);
    expect(body).not.toContain('at ');
    expect(logged).toHaveBeenCalledTimes(1);
    const fields = logged.mock.calls[0]?.[1] as { stack?: string } | undefined;
    expect(fields).toMatchObject({ correlationId: 'corr-1', errorName: 'TypeError' });
    expect(String(fields?.stack)).toContain('errors.test.ts');
  });

  it('treats a thrown non-error as a 500', () => {
    vi.spyOn(httpLogger, 'error').mockImplementation(() => undefined);
    expect(respond('boom').statusCode).toBe(500);
    expect(respond(undefined).statusCode).toBe(500);
  });

  it('sends JSON that is never cached', () => {
    const { headers } = respond(new ValidationError('bad', []));
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['cache-control']).toBe('no-store');
  });
});

describe('ErrorRegistry', () => {
  class ParentError extends Error {}
  class ChildError extends ParentError {}
  class GrandchildError extends ChildError {}
  const reply = (code: string) => () => ({ statusCode: 409, code, message: code });

  it('resolves the nearest registered class along the prototype chain', () => {
    const registry = new ErrorRegistry()
      .register(ParentError, reply('parent'))
      .register(ChildError, reply('child'));
    expect(registry.resolve(new GrandchildError())?.(new GrandchildError()).code).toBe('child');
    expect(registry.resolve(new ParentError())?.(new ParentError()).code).toBe('parent');
  });

  it('registers one handler for several classes, and resolves nothing for an unknown error', () => {
    const registry = new ErrorRegistry().register([ChildError, TypeError], reply('shared'));
    expect(registry.resolve(new TypeError('x'))?.(new TypeError('x')).code).toBe('shared');
    expect(registry.resolve(new ParentError())).toBeUndefined();
    expect(registry.resolve('boom')).toBeUndefined();
    expect(registry.resolve(null)).toBeUndefined();
  });
});

describe('classifyError', () => {
  it('does not mistake a domain 4xx for a store outage', () => {
    expect(classifyError(new IllegalTransitionError('CLOSED', 'close')).statusCode).toBe(409);
  });
});
