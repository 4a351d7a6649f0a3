import { encodeTime } from 'ulid';
import type { Deps } from './deps.ts';

/** Cases filed this long ago at most are checked (the sweep runs every ten minutes). */
const WINDOW_MS = 24 * 3600_000;
/** A workflow just started needs a moment to register its first wait. */
const GRACE_MS = 2 * 60_000;

/**
 * Nothing lost between filing and the workflow: a case filed (committed) whose workflow did not
 * start — the call failed, the process died — has no step waiting for its department. The sweep
 * starts it again; executions are named after the case, so a start of a running one is a no-op.
 */
export async function reconcileWorkflows(deps: Deps): Promise<{ restarted: string[] }> {
  const now = deps.clock.now().getTime();
  const filedAfter = encodeTime(now - WINDOW_MS, 10);
  const restarted: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.cases.listWatched(100, cursor, { filedAfter, status: 'submitted' });
    for (const c of page.items) {
      if (Date.parse(c.createdAt) > now - GRACE_MS) continue;
      if ((await deps.cases.listWaits(c.caseId)).length) continue;
      await deps.workflow.start(c.caseId);
      restarted.push(c.caseId);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { restarted };
}
