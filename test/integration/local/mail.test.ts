import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/free-port.ts';
import { type CaughtMail, type MailCatcher, startMailCatcher } from '../../../local/mail/catcher.ts';
import { ConsoleOpsChannel } from '../../../local/mail/ops-console.ts';
import { SmsFile } from '../../../local/mail/sms-file.ts';
import { SmtpMailer } from '../../../local/mail/smtp-mailer.ts';

let dataDir: string;
let catcher: MailCatcher | undefined;
let mailer: SmtpMailer | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-mail-'));
});
afterEach(async () => {
  mailer?.close();
  await catcher?.stop();
  catcher = undefined;
  mailer = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const DELIVERY_ID = '01JEXAMPLEALERT#sub-coordinator-1#EMAIL';
const mail = {
  to: 'coordinator@example.org',
  subject: 'PeerPath Vancouver: URGENT: A concern was raised (ref ABC123)',
  text: 'URGENT: A concern was raised\nOpen it in PeerPath: http://localhost:3000/#/referrals/r1',
  html: '<p><strong>URGENT: A concern was raised</strong></p>',
  deliveryId: DELIVERY_ID,
  kind: 'CONCERN_RAISED',
};

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the local mail catcher and the SMTP mailer', () => {
  it('keeps each message as an .eml that parses back with its Message-ID, subject, text and html', async () => {
    // Prepare
    const lines: string[] = [];
    const caught: CaughtMail[] = [];
    catcher = await startMailCatcher({
      dataDir,
      print: (line) => lines.push(line),
      onMail: (m) => caught.push(m),
    });
    mailer = new SmtpMailer({ url: catcher.url });

    // Act
    await mailer.send(mail);

    // Assess
    const files = (await readdir(catcher.dir)).filter((file) => file.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-01JEXAMPLEALERT_sub-coordinator-1_EMAIL\.eml$/,
    );
    const parsed = await simpleParser(await readFile(join(catcher.dir, files[0] ?? '')));
    expect(parsed.messageId).toBe(`<${DELIVERY_ID}@peerpath>`);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.html).toContain(mail.html);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe(mail.to);
    expect(caught).toEqual([
      expect.objectContaining({ file: files[0], deliveryId: DELIVERY_ID, to: [mail.to] }),
    ]);
    // The terminal line names the recipient and the kind, nothing of the message.
    expect(lines).toEqual(['mail → coordinator@example.org CONCERN_RAISED']);
  });

  it('makes the mailer throw when the server refuses the message', async () => {
    // Prepare: a message bigger than the catcher accepts is refused with a 552.
    catcher = await startMailCatcher({ dataDir, print: () => undefined });
    mailer = new SmtpMailer({ url: catcher.url });

    // Act / Assess
    await expect(mailer.send({ ...mail, text: 'x'.repeat(2 * 1024 * 1024) })).rejects.toThrow();
    expect((await readdir(catcher.dir)).filter((file) => file.endsWith('.eml'))).toEqual([]);
  });

  it('makes the mailer throw when no server listens, and deliver once one is back on that port', async () => {
    // Prepare
    const port = await freePort();
    mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}` });

    // Act / Assess: down
    await expect(mailer.send(mail)).rejects.toThrow();

    // Act / Assess: back
    catcher = await startMailCatcher({ dataDir, port, print: () => undefined });
    await mailer.send(mail);
    expect((await readdir(catcher.dir)).filter((file) => file.endsWith('.eml'))).toHaveLength(1);
  });

  it('frees its port when stopped, and stopping twice is harmless', async () => {
    // Prepare
    catcher = await startMailCatcher({ dataDir, print: () => undefined });
    expect(await refused(catcher.port)).toBe(false);

    // Act
    await catcher.stop();
    await catcher.stop();

    // Assess
    expect(await refused(catcher.port)).toBe(true);
  });
});

describe('the local SMS file', () => {
  it('appends one {to, body, at} JSON line per message and prints the number and kind only', async () => {
    // Prepare
    const lines: string[] = [];
    const sms = new SmsFile(dataDir, (line) => lines.push(line));

    // Act
    await Promise.all([
      sms.send({
        to: '+16045550101',
        body: 'PeerPath Vancouver: URGENT ref ABC123',
        deliveryId: 'a#s1#SMS',
        kind: 'CONCERN_RAISED',
      }),
      sms.send({ to: '+16045550102', body: 'PeerPath Vancouver: URGENT ref ABC123', deliveryId: 'a#s2#SMS' }),
    ]);

    // Assess
    const written = (await readFile(join(dataDir, 'sms.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(written).toHaveLength(2);
    for (const entry of written) {
      expect(Object.keys(entry).sort()).toEqual(['at', 'body', 'to']);
      expect(new Date(entry.at).toISOString()).toBe(entry.at);
    }
    expect(written.map((entry) => entry.to).sort()).toEqual(['+16045550101', '+16045550102']);
    expect(lines.sort()).toEqual(['sms → +16045550101 CONCERN_RAISED', 'sms → +16045550102 alert']);
  });
});

describe('the local ops channel', () => {
  it('writes one line with ids, kind and region only', async () => {
    const lines: string[] = [];
    await new ConsoleOpsChannel((line) => lines.push(line)).escalate({
      alertId: 'a1',
      kind: 'CONCERN_RAISED',
      region: 'vancouver',
      referralId: 'r1',
    });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { escalation: { alertId: 'a1', kind: 'CONCERN_RAISED', region: 'vancouver', referralId: 'r1' } },
    ]);
  });
});
