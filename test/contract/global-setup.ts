import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { CONTRACT_STACK } from './config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** The cloud assembly `cdk synth` wrote (templates and the bundled assets of CONTRACT_STACK). */
    cdkOut: string;
  }
}

let dynamo: DynamoDbLocal | undefined;
let synthesized: string | undefined;

/** `cdk synth` of every stack, bundling only the contract's stack, into a temporary directory. */
function synth(outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['cdk', 'synth', CONTRACT_STACK, '--exclusively', '--quiet', '-o', outdir], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk synth failed (${code}): ${err}`)),
    );
  });
}

/**
 * One synth and one in-memory DynamoDB Local per run. `PEERPATH_CONTRACT_CDK_OUT` reuses an assembly
 * synthesized before (`npx cdk synth PeerPath-vancouver --exclusively -o <dir>`) instead of synthesizing.
 */
export async function setup(project: TestProject): Promise<void> {
  const reuse = process.env.PEERPATH_CONTRACT_CDK_OUT;
  let cdkOut = reuse;
  if (!cdkOut) {
    synthesized = await mkdtemp(join(tmpdir(), 'peerpath-contract-'));
    cdkOut = synthesized;
    await synth(cdkOut);
  }
  dynamo = await startDynamoDbLocal({ inMemory: true });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('cdkOut', cdkOut);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
  dynamo = undefined;
  if (synthesized) await rm(synthesized, { recursive: true, force: true });
  synthesized = undefined;
}
