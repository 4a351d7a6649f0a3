import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { deployedRoutes } from '#shared/http/routes.ts';
import { buildApp } from '../../../infra/app.ts';
import { LAMBDAS, type LambdaName } from '../../../infra/lambdas.ts';
import { TABLE_NAME } from '../../../infra/names.ts';

/**
 * The stateless stack's template as the infra tests read it, and a small IAM evaluator over its
 * roles. Call `synthesizeStateless()` in a test file's beforeAll before the other helpers.
 */
// Synthesizing without bundling keeps this a fast unit of the template; `npx cdk synth` bundles.
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };
export type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
export type NagReport = { pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: Array<{ ruleId?: string; ruleName?: string; resourceLogicalId?: string; findingId?: string }> }> };

let resources: Record<string, Resource>;

/** Synthesizes the app (without bundling): the stateless stack's template, its resources and the cdk-nag report; the helpers below read these resources. */
export function synthesizeStateless(): { template: Template; resources: Record<string, Resource>; report: NagReport } {
  const built = buildApp({ context: NO_BUNDLING });
  const assembly = built.app.synth();
  const template = Template.fromStack(built.stateless);
  resources = template.toJSON().Resources as Record<string, Resource>;
  const report = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8')) as NagReport;
  return { template, resources, report };
}

export const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The logical id of the Lambda function built from LAMBDAS[name] (found by its description). */
export const functionId = (name: LambdaName) => {
  const found = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Description === LAMBDAS[name].description);
  expect(found, name).toHaveLength(1);
  return found[0]![0];
};
export const roleOf = (fnId: string) => (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
/** Every statement the function's role is given: its inline policies and every AWS::IAM::Policy attached to it. */
export const statementsOf = (fnId: string): Statement[] => {
  const roleId = roleOf(fnId);
  const role = resources[roleId]!.Properties as { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> };
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...(role.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement), ...attached];
};

// ---- a small IAM evaluator: just enough of the policy language to ask "may this role do that" ----

const ACCOUNT = { 'AWS::Partition': 'aws', 'AWS::Region': 'cn-north-1', 'AWS::AccountId': '123456789012' } as Record<string, string>;
export const TABLE_ARN = `arn:aws:dynamodb:cn-north-1:123456789012:table/${TABLE_NAME}`;
const INDEX_ARNS = TABLE.globalSecondaryIndexes.map((g) => `${TABLE_ARN}/index/${g.indexName}`);

/** A template value as the ARN string it becomes at deployment (attributes of resources stay symbolic). */
export function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return ACCOUNT[v.Ref as string] ?? `<${String(v.Ref)}>`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(sep);
  }
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::ImportValue' in v) return `<import ${String(v['Fn::ImportValue'])}>`;
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}
const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

type Request = { action: string; resource: string; leadingKeys?: string[]; attributes?: string[] };

/** Whether a statement speaks of the request: its action, its resource and its conditions. */
function matches(s: Statement, req: Request): boolean {
  if (![s.Action].flat().some((a) => glob(a).test(req.action))) return false;
  if (![s.Resource].flat().some((r) => glob(resolve(r)).test(req.resource))) return false;
  for (const [operator, byKey] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(byKey)) {
      // Requests here never ask for values back: ReturnValues is absent (or NONE).
      if (operator === 'StringEqualsIfExists' && key === 'dynamodb:ReturnValues' && expected === 'NONE') continue;
      if (!['ForAllValues:StringEquals', 'ForAllValues:StringLike'].includes(operator) || !['dynamodb:LeadingKeys', 'dynamodb:Attributes'].includes(key)) throw new Error(`the evaluator does not know ${operator} ${key}`);
      // ForAllValues holds when every value of the request matches one listed (and for none at all);
      // StringLike's * and ? are wildcards, StringEquals' are not.
      const patterns = [expected].flat().map(String);
      const like = (k: string, p: string) => (operator.endsWith('StringLike') ? glob(p).test(k) : k === p);
      const values = (key === 'dynamodb:LeadingKeys' ? req.leadingKeys : req.attributes) ?? [];
      if (!values.every((k) => patterns.some((p) => like(k, p)))) return false;
    }
  }
  return true;
}

/** Whether the statements allow the request, as IAM decides: an Allow that matches, and no Deny that does. */
export function allows(statements: Statement[], req: Request): boolean {
  for (const s of statements) expect(['Allow', 'Deny']).toContain(s.Effect);
  return statements.some((s) => s.Effect === 'Allow' && matches(s, req)) && !statements.some((s) => s.Effect === 'Deny' && matches(s, req));
}

/** Every way DynamoDB lets a caller read an item, on the table and on each index. */
const READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dynamodb:ExecuteStatement'];
export const readsOf = (pk: string): Request[] =>
  [TABLE_ARN, ...INDEX_ARNS].flatMap((resource) =>
    READS.map((action) => ({ action, resource, ...(action.endsWith('Scan') || action.startsWith('dynamodb:PartiQL') || action.endsWith('Statement') ? {} : { leadingKeys: [pk] }) })),
  );

/** The functions of the routes anyone may call, and of the $default route (unmatched paths), from the template. */
export function anonymousFunctionIds(): string[] {
  const byIntegration = new Map(
    ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, (r.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]),
  );
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties as { RouteKey: string; AuthorizationType?: string; Target: { 'Fn::Join': [string, unknown[]] } });
  const anonymousKeys = new Set(['$default', ...deployedRoutes().filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`)]);
  const ids = routes
    .filter((r) => anonymousKeys.has(r.RouteKey))
    .map((r) => {
      const ref = r.Target['Fn::Join'][1].find((p): p is { Ref: string } => typeof p === 'object' && p !== null && 'Ref' in p)!;
      return byIntegration.get(ref.Ref)!;
    });
  return [...new Set(ids)];
}
