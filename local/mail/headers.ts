/**
 * What the local mail side needs to know of a message without parsing its body: the header block of an
 * RFC 5322 message, unfolded. Used by the catcher (one line per message, the file name) and `/local/mail`.
 */

/** The delivery id travels as the Message-ID `<deliveryId@peerpath>`. */
export const MESSAGE_ID_DOMAIN = 'peerpath';
/** The alert kind, set by the local mailer so the terminal line can name it (never anything else). */
export const KIND_HEADER = 'X-PeerPath-Kind';

export const messageIdFor = (deliveryId: string): string => `<${deliveryId}@${MESSAGE_ID_DOMAIN}>`;

/** The delivery id inside a `<deliveryId@peerpath>` Message-ID; undefined for anyone else's. */
export function deliveryIdOf(messageId: string | undefined): string | undefined {
  const match = /^<(.+)@peerpath>$/.exec(messageId?.trim() ?? '');
  return match?.[1];
}

/** The header fields of a raw message (names lower-cased, folded lines joined; the first of a repeated one). */
export function readHeaders(raw: Buffer | string): Map<string, string> {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers = new Map<string, string>();
  for (const field of block.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name))
      headers.set(
        name,
        field
          .slice(colon + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );
  }
  return headers;
}

/** A file name safe on every file system: letters, digits, `.`, `_` and `-` only. */
export const safeFileName = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, '_');

/** `2026-12-02T15:04:05.123Z` → `2026-12-02T15-04-05.123Z` (no `:` in a file name). */
export const fileTime = (at: Date): string => at.toISOString().replace(/:/g, '-');
