import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listDueDeliveries } from '#data/deliveries.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { createStore, type Store } from '#data/store.ts';
import { Stage } from '#domain/lifecycle.ts';
import {
  type CanaryWalk,
  failedFirstCalls,
  newCanary,
  uncalledRoutes,
  walkEveryRoute,
} from '../support/canary-routes.ts';
import { ContractApi } from './api.ts';
import { CONTRACT_REGION, CONTRACT_STACK } from './config.ts';
import { LambdaHosts } from './hosts.ts';
import { isAllowed } from './iam.ts';
import { RecordingProxy } from './proxy.ts';
import { CONTRACT_ACCOUNT, type ContractFunction, StackTemplate } from './template.ts';
import { ContractStateMachine } from './workflow.ts';

/**
 * The cloud contract: the bundles `cdk synth` built, each in a Lambda-like host that sees only its
 * template environment, driven through every route of the API (events as API Gateway builds them) and a
 * lifecycle to closure on the synthesized state machine; every AWS call they made went through a recording
 * proxy (DynamoDB to DynamoDB Local, the rest to fakes) and must be allowed by that function's IAM policy.
 */

const LOCAL = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the synthesized bundles against their template', () => {
  let template: StackTemplate;
  let functions: ContractFunction[];
  let proxy: RecordingProxy;
  let hosts: LambdaHosts;
  let machine: ContractStateMachine;
  let store: Store;
  let api: ContractApi;
  let walk: CanaryWalk;
  const canary = newCanary();

  beforeAll(async () => {
    template = StackTemplate.load(inject('cdkOut'), CONTRACT_STACK);
    functions = template.functions();
    const table = template.table();
    const dynamoEndpoint = inject('dynamoEndpoint');
    const client = new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: template.awsRegion,
      credentials: LOCAL,
    });
    const t = table.properties;
    await client.send(
      new CreateTableCommand({
        TableName: t.TableName,
        AttributeDefinitions: t.AttributeDefinitions,
        KeySchema: t.KeySchema,
        GlobalSecondaryIndexes: t.GlobalSecondaryIndexes.map((gsi: Record<string, unknown>) => ({
          IndexName: gsi.IndexName,
          KeySchema: gsi.KeySchema,
          Projection: gsi.Projection,
        })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: t.TableName });
    client.destroy();

    const partitionOf = (schema: { AttributeName: string; KeyType: string }[]) =>
      schema.find((k) => k.KeyType === 'HASH')!.AttributeName;
    let backend: ContractStateMachine | undefined;
    proxy = new RecordingProxy({
      dynamoEndpoint,
      awsRegion: template.awsRegion,
      account: CONTRACT_ACCOUNT,
      keySchema: {
        partitionKey: partitionOf(t.KeySchema),
        indexPartitionKeys: Object.fromEntries(
          t.GlobalSecondaryIndexes.map((gsi: { IndexName: string; KeySchema: never }) => [
            gsi.IndexName,
            partitionOf(gsi.KeySchema),
          ]),
        ),
      },
      // The state machine needs the hosts, which need the proxy's URL: resolved on first use.
      stepFunctions: {
        start: (...args) => backend!.start(...args),
        describe: (...args) => backend!.describe(...args),
        machineOfToken: (...args) => backend!.machineOfToken(...args),
        succeed: (...args) => backend!.succeed(...args),
        fail: (...args) => backend!.fail(...args),
      },
    });
    const endpoint = await proxy.start();
    hosts = new LambdaHosts(functions, { awsRegion: template.awsRegion, endpoint });
    machine = new ContractStateMachine(template, hosts);
    backend = machine;
    store = createStore({ region: CONTRACT_REGION, tableName: t.TableName, endpoint: dynamoEndpoint });
    api = new ContractApi(template, hosts, store, CONTRACT_REGION);
    walk = await walkEveryRoute(api, canary);
  });

  afterAll(async () => {
    await machine?.stop();
    await hosts?.stop();
    await proxy?.stop();
  });

  it('serves every route of the route table, each first call succeeding', () => {
    expect(uncalledRoutes(walk.replies)).toEqual([]);
    expect(failedFirstCalls(walk.replies)).toEqual([]);
  });

  it('drives a referral to closure on the synthesized state machine', async () => {
    const referral = await getReferral(store, walk.referralId);
    expect(referral.stage).toBe(Stage.CLOSED);
    expect(machine.executions.size).toBeGreaterThan(1);
    expect(machine.taskErrors).toEqual([]);
  });

  const isDelivery = (fn: ContractFunction) => /-workflow-deliver(y-sweep)?$/.test(fn.functionName);
  const scheduledEvent = () => ({
    version: '0',
    id: 'contract',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: CONTRACT_ACCOUNT,
    time: new Date().toISOString(),
    region: template.awsRegion,
    resources: [],
    detail: {},
  });

  it('runs the scheduled follow-up bundle (the reconciler) against the same services', async () => {
    const followUp = functions.find(
      (fn) => !machine.taskFunctions().includes(fn.logicalId) && !isApi(fn) && !isDelivery(fn),
    );
    expect(followUp).toBeDefined();
    await hosts.invoke(followUp!.logicalId, {
      version: '0',
      id: 'contract',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: CONTRACT_ACCOUNT,
      time: new Date().toISOString(),
      region: template.awsRegion,
      resources: [],
      detail: {},
    });
    expect(proxy.calls.some((c) => c.caller === followUp!.logicalId)).toBe(true);
  });

  it('runs the delivery bundles: the stream handler on a new delivery, the sweep on its schedule', async () => {
    const deliver = functions.find((fn) => fn.functionName.endsWith('-workflow-deliver'));
    const sweep = functions.find((fn) => fn.functionName.endsWith('-workflow-delivery-sweep'));
    expect(deliver).toBeDefined();
    expect(sweep).toBeDefined();
    // A delivery the walk's alerts left due, if the directory fake named any recipient; else an id the table
    // does not hold (a stream record replayed after the sweep sent it): the handler reads it either way.
    const due = await listDueDeliveries(store, new Date(Date.now() + 3_600_000));
    const deliveryId = due[0]?.id ?? `01CONTRACT#nobody#EMAIL`;

    await hosts.invoke(deliver!.logicalId, {
      Records: [
        {
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: { SequenceNumber: '1', NewImage: { type: { S: 'DELIVERY' }, id: { S: deliveryId } } },
        },
      ],
    });
    await hosts.invoke(sweep!.logicalId, scheduledEvent());

    expect(proxy.calls.some((c) => c.caller === deliver!.logicalId)).toBe(true);
    expect(proxy.calls.some((c) => c.caller === sweep!.logicalId)).toBe(true);
  });

  it("makes only AWS calls its function's IAM policy allows", () => {
    const byId = new Map(functions.map((fn) => [fn.logicalId, fn]));
    const denied = new Set<string>();
    for (const call of proxy.calls) {
      const fn = byId.get(call.caller);
      if (!fn || !isAllowed(fn.statements, call)) {
        denied.add(
          `${call.caller} ${call.action} ${call.resource} ${JSON.stringify(call.leadingKeys ?? [])}`,
        );
      }
    }
    expect([...denied]).toEqual([]);
    // The check saw the calls that matter: the table, the state machine, the topic and the bus.
    const actions = new Set(proxy.calls.map((c) => c.action));
    for (const action of [
      'dynamodb:Query',
      'dynamodb:PutItem',
      'states:StartExecution',
      'states:SendTaskSuccess',
      'sns:Publish',
      'events:PutEvents',
      'cognito-idp:AdminCreateUser',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('would refuse calls the policies do not grant (the check can fail)', () => {
    const tableArn = `arn:aws:dynamodb:${template.awsRegion}:${CONTRACT_ACCOUNT}:table/${template.table().properties.TableName}`;
    const reports = functions.find(
      (fn) => fn.logicalId === template.routeFunctions().get('GET /reports/summary'),
    );
    expect(reports).toBeDefined();
    expect(
      isAllowed(reports!.statements, {
        action: 'dynamodb:Query',
        resource: tableArn,
        leadingKeys: ['REF#1'],
      }),
    ).toBe(true);
    expect(
      isAllowed(reports!.statements, {
        action: 'dynamodb:PutItem',
        resource: tableArn,
        leadingKeys: ['REF#1'],
      }),
    ).toBe(false);
    for (const fn of functions) {
      expect(isAllowed(fn.statements, { action: 'dynamodb:Scan', resource: tableArn })).toBe(false);
      expect(isAllowed(fn.statements, { action: 'dynamodb:GetItem', resource: `${tableArn}-other` })).toBe(
        false,
      );
    }
  });

  it('keeps the canary client out of every log line, message and event the bundles produced', () => {
    const logs = [...hosts.output]
      .filter(([, lines]) => lines.join('').includes(canary.mark))
      .map(([id]) => id);
    expect(logs).toEqual([]);
    expect(proxy.fakes.published.length).toBeGreaterThan(0);
    expect(proxy.fakes.published.filter((m) => JSON.stringify(m).includes(canary.mark))).toEqual([]);
    expect(proxy.fakes.events.length).toBeGreaterThan(0);
    expect(proxy.fakes.events.filter((e) => JSON.stringify(e).includes(canary.mark))).toEqual([]);
  });

  it('invoked every PeerPath function of the template', () => {
    expect(functions.map((fn) => fn.logicalId).filter((id) => !hosts.invoked().includes(id))).toEqual([]);
  });
});

const isApi = (fn: ContractFunction) => fn.handlerExport === 'dispatch';
