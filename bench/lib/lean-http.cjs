'use strict';
/**
 * The bench's HTTP/1.1 client: keep-alive sockets (one request at a time on each, no pipelining), the
 * request written in one piece, the reply read by a small parser (status line, headers, a Content-Length
 * or chunked body, or a body up to the connection's close).
 *
 * Why not node:http's client: the bench measures the server, and node:http's client spends ~0.3 ms of its
 * own per call on this machine building and parsing (measured against this client on the same server,
 * alternating), which landed in every latency the bench reports, the floor's as much as the API's. Load
 * generators keep their clients lean for the same reason (wrk, autocannon).
 *
 * Plain CommonJS, no dependencies: it runs in the bench's worker thread without a TypeScript loader.
 */

const net = require('node:net');
const { performance } = require('node:perf_hooks');

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Incremental reader of one HTTP/1.1 response. */
class ResponseReader {
  constructor(method) {
    this.method = method;
    this.buffer = Buffer.alloc(0);
    this.status = 0;
    this.headers = {};
    this.headDone = false;
    /** 'length' | 'chunked' | 'close' | 'none' */
    this.framing = 'none';
    this.remaining = 0;
    this.chunks = [];
    this.done = false;
    this.keepAlive = true;
  }

  /** Feeds bytes; returns true once the whole response is in. */
  push(data) {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    if (!this.headDone && !this.readHead()) return false;
    return this.readBody();
  }

  readHead() {
    for (;;) {
      const end = this.buffer.indexOf(HEAD_END);
      if (end === -1) return false;
      const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
      this.buffer = this.buffer.subarray(end + 4);
      const match = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
      if (!match) throw new Error(`Malformed status line: ${lines[0].slice(0, 40)}`);
      const status = Number(match[2]);
      if (status >= 100 && status < 200) continue; // an interim response: the real one follows
      this.status = status;
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        if (colon <= 0) continue;
        const name = lines[i].slice(0, colon).trim().toLowerCase();
        const value = lines[i].slice(colon + 1).trim();
        const known = this.headers[name];
        if (name === 'set-cookie') this.headers[name] = known ? [...known, value] : [value];
        else this.headers[name] = known === undefined ? value : `${known}, ${value}`;
      }
      const connection = (this.headers.connection || '').toLowerCase();
      this.keepAlive = match[1] === '1' ? connection !== 'close' : connection === 'keep-alive';
      const length = this.headers['content-length'];
      if (this.method === 'HEAD' || status === 204 || status === 304) this.framing = 'none';
      else if (/\bchunked\b/i.test(this.headers['transfer-encoding'] || '')) this.framing = 'chunked';
      else if (length !== undefined) {
        this.framing = 'length';
        this.remaining = Number(length);
        if (!Number.isSafeInteger(this.remaining) || this.remaining < 0)
          throw new Error(`Malformed Content-Length: ${length}`);
      } else {
        this.framing = 'close';
        this.keepAlive = false;
      }
      this.headDone = true;
      return true;
    }
  }

  readBody() {
    if (this.framing === 'none') {
      this.done = true;
      return true;
    }
    if (this.framing === 'close') {
      if (this.buffer.length > 0) this.chunks.push(this.buffer);
      this.buffer = Buffer.alloc(0);
      return false; // complete when the connection ends
    }
    if (this.framing === 'length') {
      const take = Math.min(this.remaining, this.buffer.length);
      if (take > 0) this.chunks.push(this.buffer.subarray(0, take));
      this.buffer = this.buffer.subarray(take);
      this.remaining -= take;
      this.done = this.remaining === 0;
      return this.done;
    }
    // chunked: size line, data, CRLF; a zero size, optional trailers, CRLF
    for (;;) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, this.buffer.length);
        if (take > 0) this.chunks.push(this.buffer.subarray(0, take));
        this.buffer = this.buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining > 0) return false;
        this.afterData = true;
      }
      if (this.afterData) {
        if (this.buffer.length < 2) return false;
        this.buffer = this.buffer.subarray(2);
        this.afterData = false;
      }
      if (this.trailers) {
        const end = this.buffer.indexOf(CRLF);
        if (end === -1) return false;
        this.buffer = this.buffer.subarray(end + 2);
        if (end === 0) {
          this.done = true;
          return true;
        }
        continue;
      }
      const lineEnd = this.buffer.indexOf(CRLF);
      if (lineEnd === -1) return false;
      const size = Number.parseInt(this.buffer.toString('latin1', 0, lineEnd), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('Malformed chunk size');
      this.buffer = this.buffer.subarray(lineEnd + 2);
      if (size === 0) this.trailers = true;
      else this.remaining = size;
    }
  }

  /** The connection ended: complete when the body was read up to the close. */
  end() {
    if (this.headDone && this.framing === 'close') this.done = true;
    return this.done;
  }

  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * `client.send({method, url, headers, body, timeoutMs}, callback)`: callback(error) or
 * callback(undefined, {status, headers, text, ms}); `ms` runs from the call to the last byte read.
 */
function createLeanClient(options = {}) {
  const idleMs = options.idleMs ?? 4000;
  /** Idle sockets per `host:port`. */
  const idle = new Map();

  function take(host, port) {
    const list = idle.get(`${host}:${port}`);
    while (list && list.length > 0) {
      const socket = list.pop();
      clearTimeout(socket.idleTimer);
      if (!socket.destroyed) return { socket, reused: true };
    }
    const socket = net.connect({ host, port, noDelay: true });
    // While idle, a socket may be reset by the server: noted here, never thrown.
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(socket.idleTimer);
      const list = idle.get(`${host}:${port}`);
      const at = list ? list.indexOf(socket) : -1;
      if (at !== -1) list.splice(at, 1);
    });
    return { socket, reused: false };
  }

  function release(host, port, socket) {
    const key = `${host}:${port}`;
    const list = idle.get(key) ?? [];
    socket.idleTimer = setTimeout(() => socket.destroy(), idleMs);
    socket.idleTimer.unref();
    list.push(socket);
    idle.set(key, list);
  }

  function send(request, callback, retried = false) {
    const started = performance.now();
    const target = new URL(request.url);
    const host = target.hostname;
    const port = Number(target.port) || 80;
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    let head = `${request.method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n`;
    let hasLength = false;
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (name.toLowerCase() === 'content-length') hasLength = true;
      head += `${name}: ${value}\r\n`;
    }
    if (body !== undefined && !hasLength) head += `content-length: ${body.length}\r\n`;
    head += '\r\n';

    const { socket, reused } = take(host, port);
    const reader = new ResponseReader(request.method.toUpperCase());
    let received = false;
    let finished = false;
    let timer;
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
      clearTimeout(timer);
    };
    const fail = (error) => {
      if (finished) return;
      finished = true;
      cleanup();
      socket.destroy();
      // A kept-alive socket the server closed as it was reused: once more on a fresh one.
      if (reused && !received && !retried) send(request, callback, true);
      else callback(error);
    };
    const complete = () => {
      if (finished) return;
      finished = true;
      const ms = performance.now() - started;
      cleanup();
      if (reader.keepAlive && !socket.destroyed) release(host, port, socket);
      else socket.destroy();
      callback(undefined, { status: reader.status, headers: reader.headers, text: reader.text(), ms });
    };
    function onData(data) {
      received = true;
      let whole;
      try {
        whole = reader.push(data);
      } catch (error) {
        fail(error);
        return;
      }
      if (whole) complete();
    }
    function onEnd() {
      if (reader.end()) complete();
      else fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    }
    function onError(error) {
      fail(error);
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    if (request.timeoutMs) timer = setTimeout(() => fail(new Error('timeout')), request.timeoutMs);
    socket.write(body === undefined ? head : Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }

  function close() {
    for (const list of idle.values()) for (const socket of list) socket.destroy();
    idle.clear();
  }

  return { send, close };
}

module.exports = { createLeanClient, ResponseReader };
