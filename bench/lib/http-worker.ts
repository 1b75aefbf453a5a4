import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  replyOf,
  requestOf,
  type SendOptions,
  type TimedReply,
} from '../../test/support/reliability-http.ts';

/**
 * The bench's HTTP client runs in a worker thread, on its own event loop: the latency it measures (request
 * written → last byte of the body read) is what a separate client would see, and never includes the
 * server process's other work (the workflow runner reacting to a transition) sharing a loop with it.
 * The worker is plain JavaScript (no loader needed) running the lean keep-alive client of lean-http.cjs.
 */

const CLIENT_MODULE = fileURLToPath(new URL('./lean-http.cjs', import.meta.url));

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
// Idle sockets are closed after 4 s, before the gateway's own 5 s keep-alive timeout can close one under a
// request being written; one closed as it was reused is sent again once on a fresh socket.
const client = require(workerData.clientModule).createLeanClient({ idleMs: 4000 });
// node:http's client, kept to measure what it costs by itself (the floor comparison).
const agent = new http.Agent({ keepAlive: true, maxSockets: 128, timeout: 4000 });
function viaNodeHttp(message, callback) {
  const target = new URL(message.url);
  const started = performance.now();
  const req = http.request(
    { agent, method: message.method, hostname: target.hostname, port: target.port, path: target.pathname + target.search, headers: message.headers },
    (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => callback(undefined, { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', callback);
    },
  );
  req.on('error', callback);
  req.end(message.body);
}
parentPort.on('message', (message) => {
  if (message.close) { client.close(); agent.destroy(); parentPort.close(); return; }
  const reply = (error, result) => {
    if (error) parentPort.postMessage({ id: message.id, error: String(error && error.message) });
    else parentPort.postMessage({ id: message.id, ...result });
  };
  if (message.via === 'node:http') viaNodeHttp(message, reply);
  else client.send(message, reply);
});
`;

interface WorkerReply {
  id: number;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  text?: string;
  ms?: number;
  error?: string;
}

export class HttpWorker {
  private readonly worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { clientModule: CLIENT_MODULE },
  });
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }
  >();
  private next = 1;

  constructor() {
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply);
    });
    this.worker.on('error', (error) => {
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  async send<T = any>(
    baseUrl: string,
    method: string,
    path: string,
    options: SendOptions & { via?: 'lean' | 'node:http' } = {},
  ): Promise<TimedReply<T>> {
    const { payload, headers } = requestOf(options);
    const id = this.next++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({
        id,
        method,
        url: new URL(path, baseUrl).href,
        headers,
        body: payload,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.via ? { via: options.via } : {}),
      });
    });
    return replyOf<T>(reply.status ?? 0, reply.headers ?? {}, reply.text ?? '', reply.ms ?? Number.NaN);
  }

  async close(): Promise<void> {
    this.worker.postMessage({ close: true });
    await this.worker.terminate();
  }
}
