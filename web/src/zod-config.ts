import * as z from 'zod/mini';

/**
 * Imported first by main.tsx, before any schema exists. The pages' Content-Security-Policy forbids eval:
 * `jitless` keeps zod from ever probing `new Function` to compile fast validators (a failed probe is caught
 * but still reported as a CSP violation). zod/mini's objects do not compile validators today; this stays so
 * that remains true whatever zod does next. (English messages are configured by shared/domain/roles.ts.)
 */
z.config({ jitless: true });
