import { ROUTES, routes } from '#api/routes.ts';
import { json, publicHandler, routeDispatcher } from '#http/middleware.ts';

/** `GET /health`: liveness only (it touches no store, so a load balancer never floods the table). */
export const health = publicHandler(routes.health, async ({ region }) =>
  json(200, {
    status: 'ok',
    service: 'peerpath',
    ...(region ? { region } : {}),
    time: new Date().toISOString(),
  }),
);

export const dispatch = routeDispatcher(ROUTES, 'functions/api/health.ts', { health });
