import { z } from 'zod';

/**
 * Imported first by main.tsx, before any schema exists: zod would otherwise probe `new Function` (to compile
 * fast validators) when the first object schema is built, and the pages' Content-Security-Policy forbids eval
 * (the probe fails quietly but is reported as a CSP violation).
 */
z.config({ jitless: true });
