import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Workflow } from '../../ports/outside.ts';
import { sfnSdk } from '../provided.ts';

/** The case workflow on Step Functions: one execution per attempt, named by the caller. */
export class StepFunctionsWorkflow implements Workflow {
  constructor(private readonly client: SFNClient, private readonly stateMachineArn: string) {}

  async start(caseId: string, executionName: string): Promise<void> {
    const { StartExecutionCommand, ExecutionAlreadyExists } = sfnSdk();
    const sfn = this.client;
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: executionName, input: JSON.stringify({ caseId }) }));
    } catch (err) {
      // Step Functions answers a repeated start of a running execution (same name and input) with
      // success; a closed one's name is refused. Either way this attempt was started once.
      if (err instanceof ExecutionAlreadyExists) return;
      throw err;
    }
  }

  async isRunning(executionName: string): Promise<boolean> {
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const { DescribeExecutionCommand, ExecutionDoesNotExist } = sfnSdk();
    const sfn = this.client;
    try {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' || out.status === 'PENDING_REDRIVE';
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist) return false;
      throw err;
    }
  }

  async resume(token: string, output: Record<string, unknown>): Promise<boolean> {
    const { SendTaskSuccessCommand, TaskDoesNotExist, InvalidToken, TaskTimedOut } = sfnSdk();
    const sfn = this.client;
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (err) {
      if (err instanceof TaskDoesNotExist || err instanceof InvalidToken || err instanceof TaskTimedOut) return false;
      throw err;
    }
  }
}
