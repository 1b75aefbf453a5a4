import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import { timersFromLocalEnv } from '../../../local/timers-env.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
const printed: string[] = [];
beforeAll(async () => {
  api = await startTestApi({ mail: { print: (line) => printed.push(line) } });
});
afterAll(async () => {
  await api?.stop();
});

const get = async (path: string) => {
  const response = await fetch(`${api.url}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
};

describe('the local stack sends alert mail to its catcher and lists it at /local/mail', () => {
  it('keeps what the mailer sends, lists it newest first and serves each message', async () => {
    // Prepare
    const mail = api.mail;
    if (!mail?.catcher) throw new Error('the stack started no catcher');
    expect(mail.smtpUrl).toBe(mail.catcher.url);

    // Act
    for (const [n, kind] of [
      [1, 'NEW_REFERRAL'],
      [2, 'CONCERN_RAISED'],
    ] as const) {
      await mail.mailer.send({
        to: `coordinator${n}@vancouver.peerpath.example.org`,
        subject: `PeerPath Vancouver: message ${n}`,
        text: `Message ${n}: open it in PeerPath`,
        html: `<p>Message ${n}</p>`,
        deliveryId: `alert${n}#sub${n}#EMAIL`,
        kind,
      } as never);
    }
    await mail.sms.send({
      to: '+16045550150',
      body: 'PeerPath Vancouver: URGENT',
      deliveryId: 'alert2#sub1#SMS',
    });
    const index = await get('/local/mail');

    // Assess
    expect(index.status).toBe(200);
    expect(index.type).toContain('text/html');
    const second = index.text.indexOf('message 2');
    const first = index.text.indexOf('message 1');
    expect(second).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(second);
    expect(index.text).toContain('+16045550150');
    const files = (await readdir(mail.mailDir)).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    const one = files.find((f) => f.includes('alert1_sub1_EMAIL')) as string;
    expect(index.text).toContain(`href="/local/mail/${one}"`);
    const message = await get(`/local/mail/${one}`);
    expect(message.status).toBe(200);
    expect(message.text).toContain('Message-ID: <alert1#sub1#EMAIL@peerpath>');
    expect(message.text).toContain('Message 1: open it in PeerPath');
    expect((await get(`/local/mail/${one}?raw=1`)).text).toContain('Content-Type: multipart/alternative');
    expect(printed).toEqual(
      expect.arrayContaining([
        'mail → coordinator1@vancouver.peerpath.example.org NEW_REFERRAL',
        'mail → coordinator2@vancouver.peerpath.example.org CONCERN_RAISED',
        'sms → +16045550150 alert',
      ]),
    );
  });

  it('serves nothing outside the mail directory', async () => {
    for (const path of [
      '/local/mail/..%2Fusers-vancouver.json',
      '/local/mail/%2E%2E%2Fsms.jsonl',
      '/local/mail/x.txt',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe('stopping the local stack', () => {
  it('stops the catcher with it: its port is free, nothing left listening', async () => {
    const port = api.mail?.catcher?.port;
    expect(port).toBeGreaterThan(0);
    await api.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port as number, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe('PEERPATH_TIMERS', () => {
  it('sets timers in seconds over the defaults, urgentEscalation included', () => {
    expect(timersFromLocalEnv(undefined)).toBeUndefined();
    expect(timersFromLocalEnv('{"triage":30,"urgentEscalation":20}')).toMatchObject({
      ...DEFAULT_TIMERS,
      triage: 30,
      urgentEscalation: 20,
    });
  });

  it('refuses an unknown timer, a length that is not a positive whole number, and bad JSON', () => {
    expect(() => timersFromLocalEnv('{"triagee":30}')).toThrow(/unknown timer "triagee"/);
    expect(() => timersFromLocalEnv('{"triage":0}')).toThrow(/positive whole number/);
    expect(() => timersFromLocalEnv('{"triage":1.5}')).toThrow(/positive whole number/);
    expect(() => timersFromLocalEnv('[1]')).toThrow(/JSON object/);
    expect(() => timersFromLocalEnv('{triage:1}')).toThrow(/JSON object/);
  });
});
