import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import { freePort } from './ports.ts';

type JsonObject = Record<string, unknown>;
type AslState = {
  Type: string;
  Resource?: string;
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  Branches?: Array<{ States: Record<string, AslState> }>;
};
type TaskHandler = (input: unknown) => Promise<unknown>;

const LOCAL_EXECUTION_PREFIX = 'arn:aws:states:us-east-1:000000000000:execution:case:';

/** Fills ${Name} placeholders exactly as CDK's definitionSubstitutions do. */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{(\w+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
}

type Pending = { resolve: (output: unknown) => void; reject: (err: Error) => void };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
type Execution = { name: string; input: string; status: ExecutionStatus; startDate: Date; stopDate?: Date; error?: string; cause?: string; abort: () => void };
/** How an execution that ended otherwise than by succeeding is reported (Step Functions' status-change event). */
export type ExecutionEnded = { name: string; status: Exclude<ExecutionStatus, 'RUNNING' | 'SUCCEEDED'>; error?: string; cause?: string };

/** What the library's rejection of an execution's result means in Step Functions' terms. */
function endingOf(err: Error): Omit<ExecutionEnded, 'name'> {
  if (err.name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (err.name === 'ExecutionAbortedError') return { status: 'ABORTED' };
  const cause = (err as Error & { cause?: Error }).cause;
  return { status: 'FAILED', error: cause?.name ?? err.name, cause: cause?.message ?? err.message };
}

/**
 * Step Functions, locally: runs the same ASL with aws-local-stepfunctions and answers the Step
 * Functions API calls the platform makes (StartExecution, SendTaskSuccess, SendTaskFailure) over
 * its JSON protocol, so the same SDK client and adapter work against it.
 *
 * aws-local-stepfunctions has no task tokens: the run's context carries one base token, and each
 * `.waitForTaskToken` state makes its own from it (state name + a random part), hands that to the
 * handler and waits until SendTaskSuccess names it.
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  /** Every execution of this process by name, running or closed: a closed one's name is not reused (as in AWS). */
  private readonly executions = new Map<string, Execution>();
  private readonly pending = new Map<string, Pending>();
  private server?: Server;
  endpoint = '';

  constructor(
    aslFile: string,
    substitutions: Record<string, string>,
    private readonly functions: Record<string, TaskHandler>,
    private readonly log: (msg: string, detail?: unknown) => void = () => {},
    /** Told of every execution that fails, times out or is aborted (other than by stop()). */
    private readonly onEnded: (ended: ExecutionEnded) => void = () => {},
  ) {
    const definition = JSON.parse(substitute(readFileSync(aslFile, 'utf8'), substitutions));
    this.machine = new StateMachine(definition);
    this.bindTasks(definition.States);
  }

  /** Every Task state, also inside Map and Parallel states, runs the function its Resource names. */
  private bindTasks(states: Record<string, AslState>): void {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Map') this.bindTasks((state.ItemProcessor ?? state.Iterator)!.States);
      if (state.Type === 'Parallel') for (const branch of state.Branches ?? []) this.bindTasks(branch.States);
      if (state.Type !== 'Task' || !state.Resource) continue;
      const resource = state.Resource;
      this.overrides[name] = resource.endsWith('.waitForTaskToken')
        ? (input) => this.waitForToken(name, input as { FunctionName: string; Payload: JsonObject })
        : (input) => this.invoke(resource, input);
    }
  }

  private invoke(functionArn: string, input: unknown): Promise<unknown> {
    const fn = this.functions[functionArn];
    if (!fn) throw new Error(`no local function for ${functionArn}`);
    return fn(input);
  }

  private async waitForToken(stateName: string, input: { FunctionName: string; Payload: JsonObject }): Promise<unknown> {
    const token = `${String(input.Payload.taskToken)}:${stateName}:${randomUUID()}`;
    const done = new Promise<unknown>((resolve, reject) => this.pending.set(token, { resolve, reject }));
    try {
      await this.invoke(input.FunctionName, { ...input.Payload, taskToken: token });
    } catch (err) {
      this.pending.delete(token);
      throw err;
    }
    return done;
  }

  /**
   * Starts an execution, as StartExecution does: a name already used is refused, except that a
   * repeated start of a running execution with the same input answers as the first did. Returns at once.
   */
  startExecution(name: string, input: unknown): { started: boolean; refused?: string } {
    const inputText = JSON.stringify(input);
    const known = this.executions.get(name);
    if (known) {
      return known.status === 'RUNNING' && known.input === inputText
        ? { started: false }
        : { started: false, refused: `execution ${name} already exists (${known.status.toLowerCase()}); a name is used once` };
    }
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.overrides as never },
      context: {
        Task: { Token: `local:${name}` },
        Execution: { Id: `${LOCAL_EXECUTION_PREFIX}${name}`, Name: name },
      },
      noThrowOnAbort: false,
    });
    const entry: Execution = { name, input: inputText, status: 'RUNNING', startDate: new Date(), abort: execution.abort };
    this.executions.set(name, entry);
    // A closed execution's waits can no longer be resumed (SendTaskSuccess: TaskDoesNotExist),
    // and only its name and outcome are kept.
    const forgetWaits = () => {
      for (const token of this.pending.keys()) if (token.startsWith(`local:${name}:`)) this.pending.delete(token);
      entry.abort = () => {};
    };
    void execution.result.then(
      () => {
        Object.assign(entry, { status: 'SUCCEEDED', stopDate: new Date() });
        forgetWaits();
      },
      (err: Error) => {
        forgetWaits();
        const ending = endingOf(err);
        Object.assign(entry, { ...ending, stopDate: new Date() });
        if (this.stopping) return;
        this.log(`execution ${name} ended: ${ending.status}`, { error: ending.error, cause: ending.cause });
        this.onEnded({ name, ...ending });
      },
    );
    return { started: true };
  }

  private stopping = false;

  /** Aborts a running execution (StopExecution); the status-change report follows as in AWS. */
  abortExecution(name: string): boolean {
    const e = this.executions.get(name);
    if (!e || e.status !== 'RUNNING') return false;
    e.abort();
    return true;
  }

  sendTaskSuccess(token: string, output: unknown): boolean {
    const waiting = this.pending.get(token);
    if (!waiting) return false;
    this.pending.delete(token);
    waiting.resolve(output);
    return true;
  }

  sendTaskFailure(token: string, error: string, cause: string): boolean {
    const waiting = this.pending.get(token);
    if (!waiting) return false;
    this.pending.delete(token);
    waiting.reject(Object.assign(new Error(cause), { name: error }));
    return true;
  }

  /** Executions running now, by name (for tests and the admin view). */
  runningExecutions(): string[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').map((e) => e.name);
  }

  /** Serves the Step Functions JSON protocol on a loopback port. */
  async listen(): Promise<string> {
    const port = await freePort();
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
        let body: JsonObject;
        try {
          body = JSON.parse(raw || '{}');
        } catch {
          return reply(400, { __type: 'SerializationException', message: 'invalid JSON' });
        }
        switch (target) {
          case 'StartExecution': {
            const name = String(body.name ?? randomUUID());
            const { refused } = this.startExecution(name, JSON.parse(String(body.input ?? '{}')));
            if (refused) return reply(400, { __type: 'ExecutionAlreadyExists', message: refused });
            const started = this.executions.get(name)!;
            return reply(200, { executionArn: `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`, startDate: started.startDate.getTime() / 1000 });
          }
          case 'DescribeExecution': {
            const arn = String(body.executionArn ?? '');
            const e = this.executions.get(arn.slice(arn.lastIndexOf(':') + 1));
            if (!e) return reply(400, { __type: 'ExecutionDoesNotExist', message: `execution does not exist: ${arn}` });
            return reply(200, {
              executionArn: arn,
              name: e.name,
              status: e.status,
              input: e.input,
              startDate: e.startDate.getTime() / 1000,
              ...(e.stopDate ? { stopDate: e.stopDate.getTime() / 1000 } : {}),
              ...(e.error ? { error: e.error } : {}),
              ...(e.cause ? { cause: e.cause } : {}),
            });
          }
          case 'StopExecution': {
            const arn = String(body.executionArn ?? '');
            return this.abortExecution(arn.slice(arn.lastIndexOf(':') + 1))
              ? reply(200, { stopDate: Date.now() / 1000 })
              : reply(400, { __type: 'ExecutionDoesNotExist', message: `no running execution ${arn}` });
          }
          case 'SendTaskSuccess':
            return this.sendTaskSuccess(String(body.taskToken), JSON.parse(String(body.output ?? '{}')))
              ? reply(200, {})
              : reply(400, { __type: 'TaskDoesNotExist', message: 'no task is waiting for this token' });
          case 'SendTaskFailure':
            return this.sendTaskFailure(String(body.taskToken), String(body.error ?? 'Error'), String(body.cause ?? ''))
              ? reply(200, {})
              : reply(400, { __type: 'TaskDoesNotExist', message: 'no task is waiting for this token' });
          default:
            return reply(400, { __type: 'UnknownOperationException', message: `${target} is not served locally` });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${port}`;
    return this.endpoint;
  }

  /** Ends every execution where it stands; the cases keep their state, and a restart carries on. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
    this.pending.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
