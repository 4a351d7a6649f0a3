import { executionName, type WorkflowRun } from '../../domain/workflow.ts';
import type { WorkflowRunRepository } from '../../ports/workflow-runs.ts';
import { conditionHolds, EXISTS, NOT_EXISTS, type Item, type TableClient } from './client.ts';
import { allShards, entity, indexAttributes, shardKey } from './table.ts';
import { documentSdk } from '../provided.ts';

const { PutCommand, UpdateCommand } = documentSdk();

/**
 * CASE#<caseId> · WORKFLOW (in the case's partition); gsi2 while pending, starting or stopped:
 * WORKFLOWS#<shard> · <since>#<caseId>, the sweep's list.
 */
const RECOVERY = 'WORKFLOWS';
type StoredRun = Omit<WorkflowRun, 'execution'>;
/** Where a run not running sits on the sweep's list. */
const onSweepList = (caseId: string, since: string) => ({ pk: shardKey(RECOVERY, caseId), sk: `${since}#${caseId}` });
export const WorkflowRunEntity = entity<{ caseId: string }, StoredRun>('workflow', {
  key: (r) => ({ pk: `CASE#${r.caseId}`, sk: 'WORKFLOW' }),
  indexes: { gsi2: (r) => (r.status === 'running' || r.status === 'done' ? undefined : onSweepList(r.caseId, r.since)) },
});
const INDEX = indexAttributes('gsi2');

/**
 * A workflow run as read, with the name of its execution: `<caseId>-<attempt>`, or the case id
 * alone for attempt 0 (an execution started before attempts were counted).
 */
const runOf = (item: Item): WorkflowRun => {
  const run = WorkflowRunEntity.parse(item);
  return { ...run, execution: run.attempt > 0 ? executionName(run.caseId, run.attempt) : run.caseId };
};

/** The sweep's-list keys of a run that is not running, as update values. */
const listed = (caseId: string, since: string) => {
  const k = onSweepList(caseId, since);
  return { ':ipk': k.pk, ':isk': k.sk };
};

export class DynamoWorkflowRuns implements WorkflowRunRepository {
  constructor(private readonly table: TableClient) {}

  async getWorkflowRun(caseId: string): Promise<WorkflowRun | undefined> {
    const run = await this.table.get(WorkflowRunEntity, { caseId });
    return run ? runOf(run) : undefined;
  }

  /** A case in progress from before runs were kept: its execution is named after the case (attempt 0). */
  adoptRun(caseId: string, since: string): Promise<boolean> {
    const run: StoredRun = { caseId, attempt: 0, status: 'running', since };
    return conditionHolds(this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: WorkflowRunEntity.item(run), ConditionExpression: NOT_EXISTS })));
  }

  async beginWorkflowAttempt(caseId: string, since: string, after: number): Promise<WorkflowRun | undefined> {
    let attributes: Item | undefined;
    const began = await conditionHolds(
      this.table.doc
        .send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: WorkflowRunEntity.key({ caseId }),
            UpdateExpression: `SET attempt = :next, caseId = :case, #st = :starting, since = :since, entity = :entity, ${INDEX.pk} = :ipk, ${INDEX.sk} = :isk REMOVE reason`,
            // One starter per attempt; a run that is running is left alone (a case filed before
            // attempts were counted has no run yet: attempt 0).
            ConditionExpression: `${after === 0 ? 'attribute_not_exists(attempt) OR ' : ''}(attempt = :after AND #st <> :running)`,
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: {
              ':next': after + 1,
              ':after': after,
              ':running': 'running',
              ':case': caseId,
              ':starting': 'starting',
              ':since': since,
              ':entity': WorkflowRunEntity.name,
              ...listed(caseId, since),
            },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .then((out) => (attributes = out.Attributes)),
    );
    return began && attributes ? runOf(attributes) : undefined;
  }

  async markWorkflowRunning(caseId: string, attempt: number, since: string): Promise<void> {
    // Only a start under way: a stop recorded meanwhile for this attempt stands.
    await this.updateRun(caseId, `SET #st = :running, since = :since REMOVE ${INDEX.pk}, ${INDEX.sk}, reason`, 'attempt = :n AND #st = :starting', {
      ':running': 'running',
      ':since': since,
      ':n': attempt,
      ':starting': 'starting',
    });
  }

  markWorkflowStopped(caseId: string, attempt: number, reason: { error: string; cause?: string }, since: string, opts: { keepRecorded?: boolean } = {}): Promise<boolean> {
    const condition = `attempt = :n AND #st <> :done${opts.keepRecorded ? ' AND #st <> :stopped' : ''}`;
    return this.updateRun(caseId, `SET #st = :stopped, since = :since, reason = :reason, ${INDEX.pk} = :ipk, ${INDEX.sk} = :isk`, condition, {
      ':stopped': 'stopped',
      ':since': since,
      ':reason': reason,
      ...listed(caseId, since),
      ':n': attempt,
      ':done': 'done',
    });
  }

  async finishWorkflow(caseId: string, since: string): Promise<void> {
    await this.updateRun(caseId, `SET #st = :done, since = :since REMOVE ${INDEX.pk}, ${INDEX.sk}`, EXISTS, { ':done': 'done', ':since': since });
  }

  /** A conditional update of a workflow run; false when the condition does not hold (another attempt moved on). */
  private updateRun(caseId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: WorkflowRunEntity.key({ caseId }),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async listWorkflowsToRecover(): Promise<WorkflowRun[]> {
    return (await this.table.queryShards({ index: 'gsi2', partitions: allShards(RECOVERY) })).map(runOf);
  }
}
