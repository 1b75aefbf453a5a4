import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtraRoute, ExtraRouteResult } from '../gateway.ts';
import { readHeaders } from './headers.ts';

/**
 * `/local/mail` (local only, never in the cloud): the messages the catcher kept, newest first (time, to,
 * subject), each linking to `/local/mail/<file>` (its headers and plain text; `?raw=1` for the .eml as
 * stored), then the text messages of `sms.jsonl`. They hold what the templates render: no health information.
 */

export interface MailPagesOptions {
  /** `<dataDir>/mail`. */
  mailDir: string;
  /** `<dataDir>/sms.jsonl`. */
  smsFile: string;
}

export const MAIL_PAGES_PATH = '/local/mail';
const EML = /^[A-Za-z0-9][A-Za-z0-9._-]*\.eml$/;
const HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};

const html = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`) as text, for the list's subject column. */
function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*/g,
    (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
  );
}

async function listMail(mailDir: string) {
  const files = (await readdir(mailDir).catch(() => [] as string[]))
    .filter((f) => EML.test(f))
    .sort()
    .reverse();
  return Promise.all(
    files.map(async (file) => {
      const headers = readHeaders(await readFile(join(mailDir, file)));
      return {
        file,
        at: file.slice(0, 24).replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'),
        to: headers.get('to') ?? '',
        subject: decodeWords(headers.get('subject') ?? ''),
      };
    }),
  );
}

async function listSms(smsFile: string): Promise<{ to: string; body: string; at: string }[]> {
  const text = await readFile(smsFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { to: string; body: string; at: string }];
      } catch {
        return [];
      }
    })
    .reverse();
}

async function indexPage({ mailDir, smsFile }: MailPagesOptions): Promise<ExtraRouteResult> {
  const [mail, sms] = await Promise.all([listMail(mailDir), listSms(smsFile)]);
  const mailRows = mail
    .map(
      (m) =>
        `<tr><td>${html(m.at)}</td><td>${html(m.to)}</td><td><a href="${MAIL_PAGES_PATH}/${encodeURIComponent(m.file)}">${html(m.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('\n');
  const smsRows = sms
    .map((s) => `<tr><td>${html(s.at)}</td><td>${html(s.to)}</td><td>${html(s.body)}</td></tr>`)
    .join('\n');
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PeerPath local mail</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head>
<body><main>
<h1>Local mail</h1>
<p>What <code>npm start</code> sent: nothing here left this machine. Files in <code>${html(mailDir)}</code>.</p>
<h2>Email (${mail.length})</h2>
<table><thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
${mailRows || '<tr><td colspan="3">No email yet.</td></tr>'}
</tbody></table>
<h2>Text messages (${sms.length})</h2>
<table><thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Message</th></tr></thead>
<tbody>
${smsRows || '<tr><td colspan="3">No text messages yet.</td></tr>'}
</tbody></table>
</main></body></html>
`;
  return { statusCode: 200, headers: { ...HEADERS, 'content-type': 'text/html; charset=utf-8' }, body };
}

async function messagePage(mailDir: string, file: string, raw: boolean): Promise<ExtraRouteResult> {
  const notFound = {
    statusCode: 404,
    headers: { ...HEADERS, 'content-type': 'text/plain' },
    body: 'No such message',
  };
  if (!EML.test(file)) return notFound;
  let bytes: Buffer;
  try {
    bytes = await readFile(join(mailDir, file));
  } catch {
    return notFound;
  }
  if (raw)
    return {
      statusCode: 200,
      headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      body: bytes,
    };
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(bytes);
  const to = parsed.to
    ? Array.isArray(parsed.to)
      ? parsed.to.map((a) => a.text).join(', ')
      : parsed.to.text
    : '';
  const text = [
    `From: ${parsed.from?.text ?? ''}`,
    `To: ${to}`,
    `Subject: ${parsed.subject ?? ''}`,
    `Date: ${parsed.date?.toISOString() ?? ''}`,
    `Message-ID: ${parsed.messageId ?? ''}`,
    '',
    parsed.text ?? '',
  ].join('\n');
  return {
    statusCode: 200,
    headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: text,
  };
}

/** The gateway routes of `/local/mail`. */
export function mailPages(options: MailPagesOptions): ExtraRoute[] {
  return [
    { method: 'GET', path: MAIL_PAGES_PATH, handle: () => indexPage(options) },
    {
      method: 'GET',
      path: MAIL_PAGES_PATH,
      prefix: true,
      handle: (request) =>
        messagePage(
          options.mailDir,
          decodeURIComponent(request.path.slice(MAIL_PAGES_PATH.length + 1)),
          request.query.get('raw') === '1',
        ),
    },
  ];
}
