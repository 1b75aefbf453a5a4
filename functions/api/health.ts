import { json, publicHandler } from '#http/middleware.ts';
import { routes } from '../routes.ts';

/** `GET /health`: liveness only (it touches no store, so a load balancer never floods the table). */
export const health = publicHandler(routes.health, async ({ region }) =>
  json(200, {
    status: 'ok',
    service: 'peerpath',
    ...(region ? { region } : {}),
    time: new Date().toISOString(),
  }),
);
