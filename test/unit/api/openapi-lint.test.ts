import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, serversFor } from '#api/openapi.ts';

/** The generated document passes Redocly's recommended rules (redocly.yaml says which are off, and why). */

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

describe('the OpenAPI document under redocly lint', { timeout: 60_000 }, () => {
  it('has no error and no warning', async () => {
    // Prepare
    dir = await mkdtemp(join(tmpdir(), 'peerpath-openapi-'));
    const file = join(dir, 'openapi.json');
    const document = buildOpenApiDocument(undefined, { servers: serversFor({ regionInPath: true }) });
    await writeFile(file, JSON.stringify(document, null, 2));

    // Act
    const run = await promisify(execFile)(
      REDOCLY,
      ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } },
    ).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }));
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as LintReport;

    // Assess
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
