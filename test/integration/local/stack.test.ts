import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAllWorkers } from '#data/workers.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

describe('the local stack', () => {
  it('answers health at the root and under each region it serves', async () => {
    expect((await api.call({ method: 'GET', path: '/health' })).status).toBe(200);
    const regional = await api.call<{ region: string }>({ method: 'GET', path: '/richmond/health' });
    expect(regional.body.region).toBe('richmond');
  });

  it('seeds each region with its own demo roster, in its own table', async () => {
    const vancouver = await listAllWorkers(api.stores.vancouver);
    const richmond = await listAllWorkers(api.stores.richmond);
    expect(vancouver.map((w) => w.id)).toEqual(expect.arrayContaining(api.demo.vancouver.workers));
    expect(vancouver.every((w) => w.region === 'vancouver')).toBe(true);
    expect(richmond.some((w) => api.demo.vancouver.workers.includes(w.id))).toBe(false);
  });

  it('refuses a request without a token (401) and a token for another region (404)', async () => {
    expect((await api.call({ method: 'GET', path: '/vancouver/referrals' })).status).toBe(401);
    const richmondToken = await api.tokenFor('coordinator', 'richmond');
    const crossed = await api.call({ method: 'GET', path: '/vancouver/referrals', token: richmondToken });
    expect(crossed.status).toBe(404);
  });
});
