import type { SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, OutgoingSms } from '../../ports/outside.ts';
import { snsSdk } from '../provided.ts';

/**
 * SMS through Amazon SNS, published straight to the applicant's number (+86…) as a transactional
 * message. A refusal or a throttle is a failed attempt, retried on the outbox's schedule. SNS keeps
 * no message ids: an attempt made twice (a follow-up run again after the send and before its
 * record) sends the SMS twice — at least once, never lost.
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly senderId?: string,
  ) {}

  async send(sms: OutgoingSms): Promise<{ ok: boolean; error?: string }> {
    const { PublishCommand } = snsSdk();
    try {
      await this.client.send(
        new PublishCommand({
          PhoneNumber: `+86${sms.phone}`,
          Message: sms.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(this.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId } } : {}),
          },
        }),
      );
      return { ok: true };
    } catch (err) {
      // Its name and status only: SNS's message may repeat the number, which is kept masked everywhere else.
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return { ok: false, error: `SNS refused the SMS: ${(err as Error).name}${status ? ` (HTTP ${status})` : ''}` };
    }
  }
}
