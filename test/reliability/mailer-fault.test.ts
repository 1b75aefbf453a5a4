import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { Stage } from '#domain/lifecycle.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { demoStaffId } from '../../local/demo-roster.ts';
import { freePort } from '../../local/free-port.ts';
import { type LocalJwt, loadLocalJwt } from '../../local/jwt.ts';
import { canaryForm, newCanary } from '../support/canary-routes.ts';
import type { FlowApi } from '../support/reliability-flow.ts';
import { flowApiOver } from '../support/reliability-http.ts';
import { type RunningStart, spawnStart } from '../support/reliability-start.ts';
import { eventually } from '../support/workflow.ts';

/**
 * Issue 14's mail server fault, on `npm start` from outside: PeerPath sends to an SMTP server of this test's
 * own (`PEERPATH_SMTP_URL`), which is stopped while URGENT concerns are raised and started again on the same
 * port. Every email delivery arrives once it is back, one message per delivery id (the Message-ID), and the
 * test says which case it saw: each exactly once, or some resent once (only a crash between the server's
 * acceptance and the state write may do that). Then the PHI canary on what left PeerPath: the messages
 * received, `<data dir>/sms.jsonl`, and (after a restart without `PEERPATH_SMTP_URL`) the local catcher's
 * `<data dir>/mail/*.eml`.
 */

const REGION: ProgramRegion = 'vancouver';
const canary = newCanary();

interface Received {
  messageId: string;
  raw: string;
}

/** An SMTP server that accepts everything and keeps each message (no auth, no TLS: loopback only). */
async function startSmtp(port: number, received: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        received.push({ messageId: parsed.messageId ?? '', raw: await decoded(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

const stopSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A message as a reader sees it: raw headers and body plus the decoded subject, text and HTML. */
async function decoded(raw: string): Promise<string> {
  const parsed = await simpleParser(raw);
  return [
    raw,
    parsed.subject ?? '',
    parsed.text ?? '',
    typeof parsed.html === 'string' ? parsed.html : '',
  ].join('\n');
}

let dataDir = '';
let running: RunningStart | undefined;
let smtp: SMTPServer | undefined;

afterAll(async () => {
  await running?.stop();
  if (smtp) await stopSmtp(smtp);
  delete process.env.PEERPATH_SMTP_URL;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a mail server stopped mid-run and started again', () => {
  it('delivers every email once it is back, one message per delivery id, and no canary', async () => {
    // Prepare: our SMTP server, npm start sending to it, a canary client matched with a worker
    const received: Received[] = [];
    const smtpPort = await freePort();
    smtp = await startSmtp(smtpPort, received);
    process.env.PEERPATH_SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
    dataDir = await mkdtemp(join(tmpdir(), 'peerpath-mailer-fault-'));
    const port = await freePort();
    running = await spawnStart({ dataDir, port });
    const jwt: LocalJwt = await loadLocalJwt({ dataDir });
    const tokenFor = (role: Role, region: ProgramRegion, sub?: string) =>
      jwt.signToken({
        sub: sub ?? demoStaffId(region, role as 'clinician' | 'coordinator' | 'admin'),
        role,
        region,
      });
    let api: FlowApi = flowApiOver(running.url, tokenFor);
    const coordinator = () => api.as(Role.COORDINATOR, REGION);
    const submitted = await api.as(Role.CLINICIAN, REGION).post('/referrals', canaryForm(canary));
    expect(submitted.status).toBe(201);
    const id = String(submitted.body.id);
    const workers = await coordinator().get('/workers?active=true');
    const workerId = String(workers.body.items[0].id);
    await eventually(
      'triage waits',
      async () => (await coordinator().post(`/referrals/${id}/accept`)).status === 200,
    );
    await eventually(
      'the match',
      async () => (await coordinator().post(`/referrals/${id}/match`, { workerId })).status === 200,
    );
    const worker = () => api.as(Role.PEER_WORKER, REGION, workerId);
    const concern = async () => {
      const reply = await worker().post(`/referrals/${id}/concerns`, { level: 'URGENT', category: 'SAFETY' });
      expect(reply.status).toBeLessThan(300);
    };
    /** Every email delivery of the URGENT concerns, as the coordinators' and the clinician's inboxes show them. */
    const emailDeliveries = async () => {
      const ids = new Map<string, string>();
      for (const role of [Role.COORDINATOR, Role.CLINICIAN] as const) {
        const page = await api.as(role, REGION).get('/alerts?kind=CONCERN_RAISED&limit=100');
        for (const alert of page.body.items as {
          id: string;
          deliveries?: { recipient: string; channel: string; state: string }[];
        }[])
          for (const d of alert.deliveries ?? [])
            if (d.channel === 'EMAIL') ids.set(`${alert.id}#${d.recipient}#EMAIL`, d.state);
      }
      return ids;
    };

    // Act: two concerns delivered, the server stopped, three more raised, the server back on the same port
    await concern();
    await concern();
    await eventually('the first emails', async () => received.length >= 2, { timeoutMs: 30_000 });
    await stopSmtp(smtp);
    smtp = undefined;
    const beforeOutage = received.length;
    for (let i = 0; i < 3; i++) await concern();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const duringOutage = received.length;
    smtp = await startSmtp(smtpPort, received);

    // Assess: every email delivery SENT (retries back off a minute), each Message-ID is its delivery id
    let expected = new Map<string, string>();
    await eventually(
      'every email delivery sent',
      async () => {
        expected = await emailDeliveries();
        return expected.size > 0 && [...expected.values()].every((state) => state === 'SENT');
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(duringOutage).toBe(beforeOutage);
    const counts = new Map<string, number>();
    for (const message of received) counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
    for (const deliveryId of expected.keys())
      expect(counts.get(`<${deliveryId}@peerpath>`), deliveryId).toBeGreaterThanOrEqual(1);
    // The setup's own alerts (a new referral, a match…) are mailed too; of the concerns' alerts, every message
    // received is one of their email deliveries.
    const concernAlerts = new Set([...expected.keys()].map((d) => d.split('#')[0]));
    const ofConcerns = [...counts.keys()].filter((m) => concernAlerts.has(m.replace(/^</, '').split('#')[0]));
    expect(ofConcerns.filter((m) => ![...expected.keys()].some((d) => m === `<${d}@peerpath>`))).toEqual([]);
    const resent = [...counts].filter(([, n]) => n > 1);
    expect(resent.filter(([, n]) => n > 2)).toEqual([]);
    console.info(
      resent.length === 0
        ? `mailer fault: every one of ${expected.size} email deliveries arrived exactly once`
        : `mailer fault: ${resent.length} of ${expected.size} deliveries resent once (same Message-ID): accepted before the state write`,
    );

    // Assess: no canary in any message received, nor in the SMS file (which holds the coordinators' texts)
    expect(received.filter((m) => m.raw.includes(canary.mark)).map((m) => m.messageId)).toEqual([]);
    const sms = await readFile(join(dataDir, 'sms.jsonl'), 'utf8');
    expect(sms.trim().split('\n').length).toBeGreaterThanOrEqual(1);
    expect(sms).not.toContain(canary.mark);

    // Act: started again without PEERPATH_SMTP_URL: the local catcher keeps .eml files
    await running.stop();
    delete process.env.PEERPATH_SMTP_URL;
    running = await spawnStart({ dataDir, port });
    api = flowApiOver(running.url, tokenFor);
    await eventually('the machine waits again', async () => {
      const referral = await coordinator().get(`/referrals/${id}`);
      return referral.body.stage === Stage.GOAL_SETTING;
    });
    await concern();

    // Assess: the catcher's files carry no canary either
    const mailDir = join(dataDir, 'mail');
    let files: string[] = [];
    await eventually('a message in the catcher', async () => {
      files = (await readdir(mailDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
      return files.length > 0;
    });
    for (const file of files) {
      const text = await decoded(await readFile(join(mailDir, file), 'utf8'));
      expect(text.includes(canary.mark), file).toBe(false);
      expect(text).not.toContain(canary.given);
    }
  }, 420_000);
});
