import type { Companion } from '../ports/cases.ts';
import { validate } from '../schemas/validate.ts';
import { FOLLOW_UP_PREFIX, followUpTimerName, type Timer } from '../ports/scheduler.ts';
import { FollowUp, type FileJob } from '../domain/follow-up.ts';
import { logger } from '../log.ts';
import { NotReady } from '../errors.ts';
import { isWaitOver } from '../domain/workflow.ts';
import type { CaseRecord } from '../domain/case.ts';
import { attemptDelivery, type DeliveryDeps } from './deliveries.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';
import { runAttempt } from './reconcile.ts';
import { watchCase, type WatchDeps } from './watch.ts';
import { archiveCase, type ArchiveDeps } from './archive.ts';
import { dispatchResult, type DispatchDeps } from './dispatch.ts';

/** The step's follow-up as a companion of its transaction: a timer due now (case time). */
export function followUpOf(deps: Pick<Deps, 'clock'>, f: Omit<FollowUp, 'task'>): Companion {
  const { files, deliveries, ...rest } = f;
  const task: FollowUp = { task: 'follow-up', ...rest, ...(files?.length ? { files } : {}), ...(deliveries?.length ? { deliveries } : {}) };
  return { kind: 'followUp', timer: { name: followUpTimerName(f.caseId, f.version), at: deps.clock.now().toISOString(), task } };
}

/** Writing a step's files: the blob store, the renderer and the department's name for notices. */
export type FileJobDeps = Pick<Deps, 'blobs' | 'notices' | 'departments'>;

async function writeFile(deps: FileJobDeps, job: FileJob): Promise<void> {
  switch (job.kind) {
    case 'notice': {
      // Rendered once: a follow-up run again (a retried batch) leaves an issued notice as it is.
      if (await deps.blobs.stat(job.objectKey)) return;
      const department = (await loadDepartment(deps, job.deptCode))?.dept.name ?? job.deptCode;
      return deps.blobs.put(job.objectKey, await deps.notices.render({ ...job.notice, department }), 'application/pdf');
    }
    case 'copy':
      // Exactly the object the step checked; one written since (only the upload URL could, with the
      // same bytes) or gone fails the follow-up, which is retried and then alarmed.
      if (!(await deps.blobs.copy(job.from, job.objectKey, { ifMatch: job.etag }))) throw new Error(`upload ${job.from} is gone; its pinned copy ${job.objectKey} cannot be made`);
      return;
    case 'json':
      return deps.blobs.put(job.objectKey, Buffer.from(job.body, 'utf8'), 'application/json');
  }
}

/**
 * Wakes every workflow step whose wait this change ended. Run after the commit: a step
 * that registers its wait later checks the case itself, so no wake-up is lost either way.
 */
export async function resumeWaitsOver(deps: Pick<Deps, 'cases' | 'workflow'>, record: CaseRecord): Promise<void> {
  const waits = await deps.cases.listWaits(record.caseId);
  await Promise.all(
    waits
      .filter((w) => isWaitOver(record, w))
      .map(async (w) => {
        await deps.workflow.resume(w.token, { status: record.status });
        await deps.cases.deleteWait(record.caseId, w);
      }),
  );
}

/** The attempt the filing counted, unless a later one began meanwhile (the sweep, a local restart). */
async function startIfStill(deps: Pick<Deps, 'workflowRuns' | 'workflow' | 'realClock'>, caseId: string, attempt: number): Promise<void> {
  const run = await deps.workflowRuns.getWorkflowRun(caseId);
  if (run?.attempt === attempt && run.status === 'starting') await runAttempt(deps, caseId, attempt);
}

/** How long a request waits for a file its step's follow-up is writing, before answering 503. */
const FILE_WAIT_MS = 2_000;

/**
 * A file a step recorded, once its follow-up wrote it: asked for in the moment between (a
 * notice is rendered within a second of the answer), the request waits a little, then answers
 * 503 with Retry-After rather than a link to nothing.
 */
export async function whenWritten(deps: Pick<Deps, 'blobs'>, objectKey: string, what: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    if (await deps.blobs.stat(objectKey)) return;
    if (waited >= FILE_WAIT_MS) throw new NotReady(`${what} is still being prepared`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How long a follow-up may stay unfinished before the sweep hands it out again. */
const STALE_MS = 5 * 60_000;

/**
 * Nothing lost: a follow-up still there minutes after its step (its stream invocations all failed,
 * or a runner died) is written again as due now, which hands it out again (a new stream record in
 * AWS; the local poller's next look).
 */
export async function sweepFollowUps(deps: Pick<Deps, 'timers' | 'clock'>): Promise<{ followUpsAgain: number }> {
  const now = deps.clock.now().toISOString();
  const before = new Date(Date.parse(now) - STALE_MS).toISOString();
  let again = 0;
  // Page by page (each handed out moves past `before`), at most 1,000 a sweep.
  for (let page = 0; page < 10; page++) {
    const due = await deps.timers.dueTimers(before, 100);
    const stale = due.filter((t) => t.name.startsWith(FOLLOW_UP_PREFIX));
    // Only as read: one finished (deleted) or handed out meanwhile is left alone.
    const moved = await Promise.all(stale.map((t) => deps.timers.leaseTimer(t, now)));
    again += moved.filter(Boolean).length;
    if (due.length < 100 || !stale.length) break;
  }
  if (again) logger.warn('follow-ups handed out again', { count: again });
  return { followUpsAgain: again };
}

/** Everything a follow-up may do. */
export type FollowUpDeps = FileJobDeps & DeliveryDeps & WatchDeps & ArchiveDeps & DispatchDeps & Pick<Deps, 'workflowRuns' | 'workflow'>;

/**
 * Runs what a committed step left to do, each part safe to run again: the files (same key, same
 * bytes; a notice is rendered once), then the webhooks' first attempts (an attempt already made
 * is not made again), waking the workflow (a token no longer waiting is skipped), starting the
 * workflow (the same execution name starts once), and the watch (a second look finds nothing).
 * Throws when any part failed, after all were tried: the follow-up is then run again.
 */
export async function runFollowUp(deps: FollowUpDeps, f: FollowUp): Promise<{ caseId: string; version: number }> {
  const files = (f.files ?? []).map((job): [string, Promise<unknown>] => [`file ${job.objectKey}`, writeFile(deps, job)]);
  // The webhooks go once the files are written: a department system that opens a material or a
  // notice as soon as it is told finds them there.
  const written = Promise.allSettled(files.map(([, p]) => p));
  const archived = f.archive ? written.then(() => archiveCase(deps, f.caseId)) : Promise.resolve(undefined);
  // The case as it is now, read once for waking the workflow and for the watch.
  const current = deps.cases.getWithEvents(f.caseId);
  const parts: Array<[string, Promise<unknown>]> = [
    ...files,
    ...(f.deliveries ?? []).map((id): [string, Promise<unknown>] => [`delivery ${id}`, written.then(() => attemptDelivery(deps, id, { firstOnly: true }))]),
    // The package takes in the step's files (the certificate's PDF): once they are written. The
    // mailing is booked after it, so the package holds the case as it completed.
    ...(f.archive ? [['archive', archived] as [string, Promise<unknown>]] : []),
    ...(f.dispatch ? [['dispatch', archived.catch(() => undefined).then(() => dispatchResult(deps, f.caseId))] as [string, Promise<unknown>]] : []),
    ...(f.startAttempt ? [[`workflow attempt ${f.startAttempt}`, startIfStill(deps, f.caseId, f.startAttempt)] as [string, Promise<unknown>]] : []),
    ...(f.resume ? [['resume', current.then((found) => found && resumeWaitsOver(deps, found.record))] as [string, Promise<unknown>]] : []),
    ['watch', current.then((found) => watchCase(deps, f.caseId, { ...(f.previousWatchDays ? { previousDays: f.previousWatchDays } : {}), ...(found ? { current: found } : {}) }))],
  ];
  const settled = await Promise.allSettled(parts.map(([, p]) => p));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${parts[i]![0]}: ${(s.reason as Error).message}`] : []));
  if (failed.length) {
    logger.warn('follow-up incomplete; it runs again', { caseId: f.caseId, version: f.version, failed });
    throw new Error(`follow-up of ${f.caseId} v${f.version} incomplete: ${failed.join('; ')}`);
  }
  return { caseId: f.caseId, version: f.version };
}

/**
 * A follow-up handed out (by the table's stream in AWS, the timer poller locally): run, then taken
 * off the table. One already done (a batch handed out again after another record failed) or written
 * again by the sweep (its own record comes) is skipped. Throws when it failed: it is handed out again.
 */
export async function runHandedOut(deps: FollowUpDeps & Pick<Deps, 'timers'>, timer: Timer): Promise<'done' | 'skipped'> {
  const task = validate(FollowUp, timer.task, '', 'the follow-up');
  if ((await deps.timers.getTimer(timer.name))?.at !== timer.at) return 'skipped';
  await runFollowUp(deps, task);
  await deps.timers.takeTimer(timer.name, timer.at);
  return 'done';
}
