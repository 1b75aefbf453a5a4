import { ROUTES, routes } from '#api/routes.ts';
import { programMonth } from '#data/common.ts';
import { getContract, logTime as logTimeData, putContract } from '#data/contracts.ts';
import { paidMonth } from '#data/paid-time.ts';
import type { Store } from '#data/store.ts';
import { getWorker } from '#data/workers.ts';
import { type Contract, inForce } from '#domain/contracts.ts';
import { settingsFromEnv } from '#domain/settings.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { checkOwnProfile } from './workers.ts';

/**
 * A worker's contract and paid time: coordinators set the contract; the worker reads their own and logs
 * their own other paid work (TRAINING, ADMIN, TRAVEL), within the day's cap shared with sessions and
 * supervision. Another worker's contract or time is 404, as if absent.
 */

async function contractView(store: Store, workerId: string, contract: Contract | undefined) {
  const now = store.now();
  const paid = await paidMonth(store, workerId, programMonth(now));
  return {
    workerId,
    ...(contract ? { contract } : {}),
    inForce: contract !== undefined && inForce(contract, todayInProgramZone(now)),
    paidThisMonth: paid,
  };
}

export const get = apiHandler(routes.getContract, async ({ caller, params }) => {
  checkOwnProfile(caller, params.id);
  const { store } = depsFor(caller);
  const [, contract] = await Promise.all([getWorker(store, params.id), getContract(store, params.id)]);
  return json(200, await contractView(store, params.id, contract));
});

export const put = apiHandler(routes.putContract, async ({ caller, params, body }) => {
  const { store } = depsFor(caller);
  const contract = await putContract(store, { workerId: params.id, contract: body, by: caller.sub });
  return json(200, await contractView(store, params.id, contract));
});

export const logTime = apiHandler(routes.logTime, async ({ caller, params, body }) => {
  checkOwnProfile(caller, params.id);
  const entry = await logTimeData(depsFor(caller).store, {
    workerId: params.id,
    entry: body,
    by: caller.sub,
    maxPaidMinutesPerDay: settingsFromEnv(process.env).maxPaidMinutesPerDay,
  });
  return json(201, entry);
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/contracts.ts', { get, put, logTime });
