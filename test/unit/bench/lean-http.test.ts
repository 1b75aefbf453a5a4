import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The bench's lean HTTP/1.1 client (bench/lib/lean-http.cjs), against a real node:http server. */

interface LeanReply {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
  ms: number;
}
interface LeanRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}
interface LeanClient {
  send(request: LeanRequest, callback: (error: Error | undefined, reply?: LeanReply) => void): void;
  close(): void;
}
const { createLeanClient } = createRequire(import.meta.url)('../../../bench/lib/lean-http.cjs') as {
  createLeanClient(options?: { idleMs?: number }): LeanClient;
};

let server: Server;
let base: string;
const ports: number[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  ports.push(req.socket.remotePort ?? 0);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    switch (req.url) {
      case '/length':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
        res.end('{"a":"öb"}'); // 10 characters, 11 bytes
        return;
      case '/chunked':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first,');
        setTimeout(() => res.end('second'), 5);
        return;
      case '/close':
        // Neither a length nor chunks: the body runs to the connection's end.
        res.socket?.end(
          'HTTP/1.1 200 OK\r\nconnection: close\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\nto the end',
        );
        return;
      case '/echo':
        res.writeHead(201, { 'x-method': req.method ?? '', 'x-length': req.headers['content-length'] ?? '' });
        res.end(body);
        return;
      case '/empty':
        res.writeHead(204).end();
        return;
      case '/slow':
        setTimeout(() => res.end('late'), 500);
        return;
      case '/hangup':
        req.socket.destroy();
        return;
      default:
        res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(client: LeanClient, request: Omit<LeanRequest, 'url'> & { path: string }): Promise<LeanReply> {
  return new Promise((resolve, reject) =>
    client.send({ ...request, url: `${base}${request.path}` }, (error, reply) =>
      error ? reject(error) : resolve(reply!),
    ),
  );
}

describe('the bench HTTP client', () => {
  it('reads a body by its length, in UTF-8, and reuses the kept-alive socket', async () => {
    const client = createLeanClient();
    ports.length = 0;
    const first = await send(client, { method: 'GET', path: '/length' });
    const second = await send(client, { method: 'GET', path: '/length' });
    client.close();
    expect(first).toMatchObject({ status: 200, text: '{"a":"öb"}' });
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.ms).toBeGreaterThan(0);
    expect(second.text).toBe('{"a":"öb"}');
    expect(ports[0]).toBe(ports[1]);
  });

  it('reads a chunked body whole, however it arrives', async () => {
    const client = createLeanClient();
    const reply = await send(client, { method: 'GET', path: '/chunked' });
    client.close();
    expect(reply).toMatchObject({ status: 200, text: 'first,second' });
    expect(reply.headers['transfer-encoding']).toBe('chunked');
  });

  it("reads a body up to the connection's close, with repeated headers kept", async () => {
    const client = createLeanClient();
    const reply = await send(client, { method: 'GET', path: '/close' });
    const after = await send(client, { method: 'GET', path: '/length' }); // on a new socket
    client.close();
    expect(reply).toMatchObject({ status: 200, text: 'to the end' });
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(after.status).toBe(200);
  });

  it('sends a body with its length, and reads none for a 204', async () => {
    const client = createLeanClient();
    const echo = await send(client, {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"é"}',
    });
    const empty = await send(client, { method: 'DELETE', path: '/empty' });
    client.close();
    expect(echo).toMatchObject({ status: 201, text: '{"name":"é"}' });
    expect(echo.headers).toMatchObject({ 'x-method': 'POST', 'x-length': '13' });
    expect(empty).toMatchObject({ status: 204, text: '' });
  });

  it('sends again once on a fresh socket when a kept-alive one was closed by the server', async () => {
    const client = createLeanClient();
    await send(client, { method: 'GET', path: '/length' });
    server.closeIdleConnections(); // the server drops the socket the client keeps for reuse
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reply = await send(client, { method: 'GET', path: '/length' });
    client.close();
    expect(reply.status).toBe(200);
  });

  it('fails a request the server hangs up on, and one past its timeout', async () => {
    const client = createLeanClient();
    await expect(send(client, { method: 'GET', path: '/hangup' })).rejects.toThrow(/hang up/);
    await expect(send(client, { method: 'GET', path: '/slow', timeoutMs: 50 })).rejects.toThrow(/timeout/);
    client.close();
  });
});
