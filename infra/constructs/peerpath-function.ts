import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ProgramRegion } from '#domain/roles.ts';
import { hmacKeyParameterName } from '#domain/settings.ts';

/** The repository root: handler files are named relative to it (`functions/api/referrals.ts`). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Lambda runs Node.js 22; the same code also runs on the local Node 20, so nothing newer is used. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = lambda.Architecture.ARM_64;

/** Every PeerPath function's name: `peerpath-<region>-<name>`. */
export const functionNameFor = (region: ProgramRegion, name: string): string => `peerpath-${region}-${name}`;

export interface PeerPathFunctionProps {
  region: ProgramRegion;
  /** Short name, unique in the stack (`api-referrals`); the function is `peerpath-<region>-<name>`. */
  name: string;
  /** The handler file, relative to the project root. */
  entry: string;
  /** The export Lambda calls. */
  handler: string;
  description: string;
  environment?: Record<string, string>;
  /** @default 256 */
  memorySize?: number;
  /** @default 30 seconds */
  timeout?: Duration;
  /** Encrypts the log group (its key policy lets CloudWatch Logs use it). */
  logsKey: kms.IKey;
  logRetention: logs.RetentionDays;
  /** Reserved concurrency; 0 = none reserved. */
  reservedConcurrency: number;
  /** Shared policy with the X-Ray write actions (they have no resource-level permissions). */
  tracingPolicy: iam.IManagedPolicy;
  /**
   * Set for functions invoked asynchronously (on a schedule): after `retryAttempts` a failed invocation goes
   * to a dead-letter queue encrypted with this key. Synchronous callers (API Gateway, Step Functions) see the
   * error themselves, so their functions have none.
   */
  deadLetter?: { key: kms.IKey; retryAttempts: number };
}

/**
 * One PeerPath Lambda with the defaults every handler shares, so no handler repeats them: bundled by the
 * local esbuild (no Docker) as minified ESM for Node.js 22 on arm64 with the AWS SDK inside, source maps on,
 * its own role (only what the stack grants it, plus writing to its own log group), its own KMS-encrypted log group with a
 * retention, active X-Ray tracing, Powertools logger settings (never logging the event: it may hold health
 * information), reserved concurrency, and a dead-letter queue when invoked asynchronously.
 */
export class PeerPathFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue | undefined;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: PeerPathFunctionProps) {
    super(scope, id);
    this.functionName = functionNameFor(props.region, props.name);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${this.functionName}: what the stack grants it, and writing to its own log group`,
      managedPolicies: [props.tracingPolicy],
    });
    this.logGroup.grantWrite(this.role);

    this.deadLetterQueue = props.deadLetter
      ? new sqs.Queue(this, 'DeadLetterQueue', {
          queueName: `${this.functionName}-dlq`,
          encryption: sqs.QueueEncryption.KMS,
          encryptionMasterKey: props.deadLetter.key,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : undefined;

    this.function = new NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      description: props.description,
      entry: join(PROJECT_ROOT, props.entry),
      handler: props.handler,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(this.deadLetterQueue && props.deadLetter
        ? { deadLetterQueue: this.deadLetterQueue, retryAttempts: props.deadLetter.retryAttempts }
        : {}),
      environment: {
        PROGRAM_REGION: props.region,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        // The region's HMAC key (client pointers): needs ssm:GetParameter on it and kms:Decrypt.
        HMAC_KEY_PARAMETER: hmacKeyParameterName(props.region),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        logLevel: LogLevel.ERROR,
        // The SDK is bundled (tree-shaken) instead of loaded from the runtime's node_modules: module load of
        // the SDK-using handlers about halves (bench "cold"), and the SDK version is the one the tests ran.
        bundleAwsSDK: true,
        // Some dependencies still `require` Node built-ins; ESM output needs a `require` for them.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    // Tracing is switched on at the resource so the X-Ray write actions (no resource-level permissions)
    // stay in the one shared policy above instead of a wildcard in every function's own policy.
    (this.function.node.defaultChild as lambda.CfnFunction).tracingConfig = {
      mode: lambda.Tracing.ACTIVE,
    };
    if (this.deadLetterQueue) this.deadLetterQueue.grantSendMessages(this.role);
  }
}
