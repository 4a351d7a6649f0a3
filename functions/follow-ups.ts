import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { timerOfStreamRecord } from '#shared/adapters/dynamodb/timers.ts';
import { logger, observed } from '#shared/log.ts';
import { validate } from '#shared/schemas/validate.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { runHandedOut } from '#shared/usecases/follow-ups.ts';
import { buildDeps } from '#shared/wiring.ts';

let deps: Deps | undefined;
/** The one function that renders notices (受理通知书 …): its deps carry the PDF renderer. */
const lambdaDeps = () =>
  (deps ??= buildDeps({ notices: async () => new (await import('#shared/adapters/pdf/notices.ts')).PdfNoticeRenderer() }));

/** What the table's stream hands over: records of follow-ups written (the event source mapping filters them). */
const StreamEvent = z.object({
  Records: z.array(z.object({ eventID: z.string().optional(), eventName: z.string().optional(), dynamodb: z.record(z.string(), z.unknown()).optional() }).loose()).max(10_000),
});

/**
 * The steps' follow-ups (shared/usecases/follow-ups.ts), started by the table's stream once a
 * step's transaction wrote one (locally, the timer poller hands them over in the same shape).
 * Each done is taken off the table; a failed one is reported back (ReportBatchItemFailures), so
 * the stream hands it out again, and the sweep after that.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observed())
  .handler(async function followUps(event) {
    validate(StreamEvent, event, '', 'the stream event');
    const failed = await Promise.all(
      event.Records.map(async (record: DynamoDBStreamEvent['Records'][number]) => {
        const timer = timerOfStreamRecord(record);
        if (!timer) return undefined;
        try {
          await runHandedOut(lambdaDeps(), timer);
          return undefined;
        } catch (err) {
          logger.warn('follow-up failed; it is handed out again', { timer: timer.name, error: (err as Error).message });
          return record.dynamodb?.SequenceNumber ?? record.eventID ?? timer.name;
        }
      }),
    );
    return { batchItemFailures: failed.flatMap((id) => (id ? [{ itemIdentifier: id }] : [])) };
  });
