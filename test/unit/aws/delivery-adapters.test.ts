import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { cloudDeliveryPorts } from '#aws/delivery-ports.ts';
import { SnsOpsChannel } from '#aws/ops-channel.ts';
import { SesMailer } from '#aws/ses-mailer.ts';
import { SnsSmsSender } from '#aws/sns-sms.ts';

/** A stand-in AWS client that records each command's input (and can fail like the service). */
function recordingClient(fail?: Error) {
  const inputs: Record<string, unknown>[] = [];
  const client = {
    config: { region: async () => 'ca-central-1' },
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      if (fail) throw fail;
      return { MessageId: 'ses-or-sns-id' };
    },
  };
  // biome-ignore lint/suspicious/noExplicitAny: the adapters only call `send` (and SES's `config.region`)
  return { inputs, client: client as any };
}

const mail = {
  to: 'coordinator@example.org',
  subject: 'PeerPath Vancouver: URGENT: A concern was raised (ref ABC123)',
  text: 'Contact the worker today.',
  html: '<p>Contact the worker today.</p>',
  deliveryId: 'a1#sub-1#EMAIL',
};

describe('the SES mailer', () => {
  it('sends one raw MIME message from the sender, through the configuration set, Message-ID = delivery id', async () => {
    // Prepare
    const { inputs, client } = recordingClient();
    const mailer = new SesMailer({
      from: 'alerts@peerpath.example.org',
      configurationSet: 'peerpath-vancouver',
      client,
    });

    // Act
    await mailer.send(mail);

    // Assess
    expect(inputs).toHaveLength(1);
    const input = inputs[0] as {
      FromEmailAddress: string;
      Destination: { ToAddresses: string[] };
      ConfigurationSetName: string;
      Content: { Raw: { Data: Buffer } };
    };
    expect(input.FromEmailAddress).toBe('alerts@peerpath.example.org');
    expect(input.Destination.ToAddresses).toEqual([mail.to]);
    expect(input.ConfigurationSetName).toBe('peerpath-vancouver');
    const parsed = await simpleParser(input.Content.Raw.Data);
    expect(parsed.messageId).toBe('<a1#sub-1#EMAIL@peerpath>');
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.html).toContain(mail.html);
  });

  it('rejects when SES refuses, so the delivery is retried', async () => {
    const { client } = recordingClient(
      Object.assign(new Error('Throttled'), { name: 'TooManyRequestsException' }),
    );
    const mailer = new SesMailer({ from: 'alerts@peerpath.example.org', client });
    await expect(mailer.send(mail)).rejects.toThrow();
  });
});

describe('the SNS SMS sender', () => {
  it('publishes to the phone number as a transactional SMS', async () => {
    const { inputs, client } = recordingClient();
    await new SnsSmsSender(client).send({
      to: '+16045550101',
      body: 'PeerPath: URGENT',
      deliveryId: 'a1#s#SMS',
    });
    expect(inputs).toEqual([
      {
        PhoneNumber: '+16045550101',
        Message: 'PeerPath: URGENT',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      },
    ]);
  });
});

describe('the SNS ops channel', () => {
  it('publishes ids, kind and region only to the ops topic', async () => {
    const { inputs, client } = recordingClient();
    await new SnsOpsChannel('arn:aws:sns:ca-central-1:111111111111:ops', client).escalate({
      alertId: 'a1',
      kind: 'CONCERN_RAISED',
      region: 'vancouver',
      referralId: 'r1',
    });
    expect(inputs).toHaveLength(1);
    const input = inputs[0] as { TopicArn: string; Message: string };
    expect(input.TopicArn).toBe('arn:aws:sns:ca-central-1:111111111111:ops');
    expect(JSON.parse(input.Message)).toEqual({
      escalation: { alertId: 'a1', kind: 'CONCERN_RAISED', region: 'vancouver', referralId: 'r1' },
    });
  });
});

describe('the cloud delivery ports', () => {
  it('have no mailer without MAIL_FROM (email deliveries are SUPPRESSED), and one with it', () => {
    const base = { OPS_TOPIC_ARN: 'arn:aws:sns:ca-central-1:111111111111:ops' };
    expect(cloudDeliveryPorts(base).mailer).toBeUndefined();
    expect(cloudDeliveryPorts({ ...base, MAIL_FROM: 'alerts@peerpath.example.org' }).mailer).toBeInstanceOf(
      SesMailer,
    );
    expect(() => cloudDeliveryPorts({})).toThrow('OPS_TOPIC_ARN');
  });
});
