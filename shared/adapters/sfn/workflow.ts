import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../../ports/index.ts';

/** One Step Functions execution per case, named after the case so a second start is a no-op. */
export class StepFunctionsWorkflow implements Workflow {
  constructor(private readonly sfn: SFNClient, private readonly stateMachineArn: string) {}

  async start(caseId: string): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: caseId, input: JSON.stringify({ caseId }) }),
      );
    } catch (err) {
      if (err instanceof ExecutionAlreadyExists) return;
      throw err;
    }
  }

  async resume(token: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (err) {
      if (err instanceof TaskDoesNotExist || err instanceof InvalidToken || err instanceof TaskTimedOut) return false;
      throw err;
    }
  }
}
