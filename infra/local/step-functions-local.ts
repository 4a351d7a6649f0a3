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

/** Fills ${Name} placeholders exactly as CDK's definitionSubstitutions do. */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{(\w+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
}

type Pending = { resolve: (output: unknown) => void; reject: (err: Error) => void };

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
  private readonly running = new Map<string, { result: Promise<unknown>; abort: () => void }>();
  private readonly pending = new Map<string, Pending>();
  private server?: Server;
  endpoint = '';

  constructor(
    aslFile: string,
    substitutions: Record<string, string>,
    private readonly functions: Record<string, TaskHandler>,
    private readonly log: (msg: string, detail?: unknown) => void = () => {},
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

  /** Starts an execution unless one of that name is running; returns at once. */
  startExecution(name: string, input: unknown): { started: boolean } {
    if (this.running.has(name)) return { started: false };
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.overrides as never },
      context: { Task: { Token: `local:${name}` } },
      noThrowOnAbort: true,
    });
    const result = execution.result.then(
      (output) => output,
      (err: Error) => this.log(`execution ${name} failed`, { error: err.message }),
    );
    this.running.set(name, { result, abort: execution.abort });
    void result.finally(() => this.running.delete(name));
    return { started: true };
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
    return [...this.running.keys()];
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
            const { started } = this.startExecution(name, JSON.parse(String(body.input ?? '{}')));
            if (!started) return reply(400, { __type: 'ExecutionAlreadyExists', message: `execution ${name} is running` });
            return reply(200, { executionArn: `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`, startDate: Date.now() / 1000 });
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
    for (const { abort } of this.running.values()) abort();
    this.running.clear();
    this.pending.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
