import * as z from 'zod';
import type { Notice } from './records.ts';

const id = z.string().min(1).max(80);
const objectKey = z.string().min(1).max(1024);
const text = z.string().max(20_000);

/** A notice as drafted by its step (shared/usecases/notices.ts), without the department's name (looked up when it is rendered). */
const NoticeDraft = z
  .object({
    title: text,
    supervisionCode: id,
    caseId: id,
    applicant: text,
    paragraphs: z.array(text).max(100),
    items: z.array(text).max(200).optional(),
    closing: text.optional(),
    date: text,
    qr: z.object({ text: z.string().min(1).max(4096), caption: z.string().max(200) }).strict().optional(),
  })
  .strict();
// A draft is a notice but for its department: the renderer takes one with it added.
const _draftIsANotice: z.ZodType<Omit<Notice, 'department'>> = NoticeDraft;

/**
 * A file a step records and a follow-up writes: a notice rendered, an upload pinned (copied: only
 * the object of `etag`, as checked; one written since is not copied), or a JSON document kept.
 */
export const FileJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notice'), objectKey, deptCode: id, notice: NoticeDraft }).strict(),
  z.object({ kind: z.literal('copy'), from: objectKey, objectKey, etag: z.string().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('json'), objectKey, body: z.string().max(350_000) }).strict(),
]);
export type FileJob = z.output<typeof FileJob>;

/**
 * What a committed step leaves to do, written in the step's own transaction, so nothing is lost
 * between the commit and the work: its files, its webhooks' first attempts, waking the workflow
 * steps waiting on the case, starting its workflow, and a look at its clocks. Run once the
 * request is answered (a DynamoDB stream in AWS, the timer poller locally), and checked against
 * this again when it is handed out; every part may run twice and changes nothing the second time.
 */
export const FollowUp = z
  .object({
    task: z.literal('follow-up'),
    caseId: id,
    /** The case's version the step wrote: one follow-up per step. */
    version: z.number().int().positive(),
    files: z.array(FileJob).max(200).optional(),
    deliveries: z.array(id).max(200).optional(),
    /** Wake the workflow steps whose wait this step ended. */
    resume: z.boolean().optional(),
    /** The workflow attempt to start (filing: the first, counted by the filing's transaction). */
    startAttempt: z.number().int().positive().optional(),
    /** Book the mailing of the completed case's paper result (G4). */
    dispatch: z.literal(true).optional(),
    /** Archive the completed case (G6), once the step's files are written. */
    archive: z.literal(true).optional(),
    /** The days the watch had planned before the step (their timers move with the step). */
    previousWatchDays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(400).optional(),
  })
  .strict();
export type FollowUp = z.output<typeof FollowUp>;
