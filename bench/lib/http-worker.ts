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
 * The worker is plain JavaScript (no loader needed): node:http with a keep-alive agent.
 */

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
// Idle sockets are closed after 4 s, before the gateway's own 5 s keep-alive timeout can close one under a
// request being written (which fails as "socket hang up").
const agent = new http.Agent({ keepAlive: true, maxSockets: 128, timeout: 4000 });
parentPort.on('message', (message) => {
  if (message.close) { agent.destroy(); parentPort.close(); return; }
  send(message, true);
});
// A keep-alive socket the server closed as it was reused: sent again once (Node's reusedSocket pattern).
function send(message, retry) {
  const { id, method, url, headers, body } = message;
  const target = new URL(url);
  const started = performance.now();
  const req = http.request(
    { agent, method, hostname: target.hostname, port: target.port, path: target.pathname + target.search, headers },
    (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const ms = performance.now() - started;
        parentPort.postMessage({ id, status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms });
      });
      res.on('error', (error) => parentPort.postMessage({ id, error: String(error && error.message) }));
    },
  );
  req.on('error', (error) => {
    if (retry && req.reusedSocket && error.code === 'ECONNRESET') send(message, false);
    else parentPort.postMessage({ id, error: String(error && error.message) });
  });
  if (message.timeoutMs) req.setTimeout(message.timeoutMs, () => req.destroy(new Error('timeout')));
  req.end(body);
}
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
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
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
    options: SendOptions = {},
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
      });
    });
    return replyOf<T>(reply.status ?? 0, reply.headers ?? {}, reply.text ?? '', reply.ms ?? Number.NaN);
  }

  async close(): Promise<void> {
    this.worker.postMessage({ close: true });
    await this.worker.terminate();
  }
}
