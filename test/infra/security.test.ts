import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CertificateEntity, DepartmentEntity, GuideRevisionEntity, VerificationEntity } from '#shared/adapters/dynamodb/records.ts';
import { CaseEntity } from '#shared/adapters/dynamodb/cases.ts';
import { deployedRoutes, ROUTES } from '#shared/http/routes.ts';
import { buildApp } from '../../infra/app.ts';
import { corsOriginsFrom, JWT_ISSUER_PATTERN, jwtIssuerFrom } from '../../infra/context.ts';
import { ANONYMOUS_FUNCTIONS, PlatformFunction } from '../../infra/constructs/platform-function.ts';
import { CATALOG_PARTITION, progressKey } from '#shared/adapters/dynamodb/records.ts';
import { LAMBDAS } from '../../infra/lambdas.ts';
import { PREVIOUS_SIGNING_KEY_ALIAS, SIGNING_KEY_ALIAS, TABLE_NAME } from '../../infra/names.ts';
import { CERTIFICATE_JWS_TYPE } from '#shared/domain/certificate.ts';
import { publicJwkOf, signCompact } from '#shared/domain/jws.ts';
import { ACCESS_LOG_FIELDS, CORS_HEADERS } from '../../infra/stacks/stateless.ts';
import { allows, anonymousFunctionIds, functionId, NO_BUNDLING, ofType, readsOf, resolve, roleOf, statementsOf, synthesizeStateless, TABLE_ARN, type NagReport, type Resource } from './support/iam.ts';

const REAL_ISSUER = 'https://login.gov-idp.cn/realms/yiwangtongban';

let resources: Record<string, Resource>;
let report: NagReport;

beforeAll(() => {
  ({ resources, report } = synthesizeStateless());
});

describe('A department secrets are out of reach of every anonymous route', () => {
  it('public-api may only Query the CATALOG, VERIFY#… and PROGRESS#… partitions of the table, and count a wrong name on a PROGRESS#… item: no Scan, no GetItem, no index', () => {
    const dynamo = statementsOf(functionId('public-api')).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(2);
    expect(dynamo[0]!.Action).toBe('dynamodb:Query');
    expect(resolve(dynamo[0]!.Resource)).toBe(TABLE_ARN);
    expect(dynamo[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CATALOG', 'VERIFY#*', 'PROGRESS#*'] } });
    expect(dynamo[1]).toMatchObject({ Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PROGRESS#*'], 'dynamodb:Attributes': ['pk', 'sk', 'misses_*'] } } });
    expect(resolve(dynamo[1]!.Resource)).toBe(TABLE_ARN);
    const statements = statementsOf(functionId('public-api'));
    const progress = progressKey('350100-261123-7K3M9QXA-R').pk;
    expect(allows(statements, { action: 'dynamodb:UpdateItem', resource: TABLE_ARN, leadingKeys: [progress], attributes: ['pk', 'sk', 'misses_2026-12-02'] })).toBe(true);
    // Not the progress itself, not any other item.
    expect(allows(statements, { action: 'dynamodb:UpdateItem', resource: TABLE_ARN, leadingKeys: [progress], attributes: ['pk', 'sk', 'status'] })).toBe(false);
    expect(allows(statements, { action: 'dynamodb:UpdateItem', resource: TABLE_ARN, leadingKeys: ['CASE#01K'], attributes: ['pk', 'sk', 'misses_2026-12-02'] })).toBe(false);
    expect(allows(statements, { action: 'dynamodb:PutItem', resource: TABLE_ARN, leadingKeys: [progress] })).toBe(false);
    // The partitions the store reads published guide revisions and verification records from.
    expect(CATALOG_PARTITION).toBe(GuideRevisionEntity.key({ code: 'x', version: 1 }).pk);
    expect(VerificationEntity.key({ supervisionCode: 'S', certificateId: 'C' }).pk).toBe('VERIFY#S');
    expect(progressKey('S').pk).toBe('PROGRESS#S');
  });

  it('public-api cannot read a department, a case or a certificate with its holder by any read on the table or an index, and can read the catalog and verification records', () => {
    const statements = statementsOf(functionId('public-api'));
    for (const req of readsOf(DepartmentEntity.key({ code: '350100-scjg' }).pk)) expect(allows(statements, req), JSON.stringify(req)).toBe(false);
    for (const req of readsOf(CaseEntity.key({ caseId: '01K' }).pk)) expect(allows(statements, req), JSON.stringify(req)).toBe(false);
    for (const req of readsOf(CertificateEntity.key({ certificateId: '01K' }).pk)) expect(allows(statements, req), JSON.stringify(req)).toBe(false);
    expect(allows(statements, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: [CATALOG_PARTITION] })).toBe(true);
    expect(allows(statements, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: [VerificationEntity.key({ supervisionCode: '350100-261123-7K3M9QXA-R', certificateId: '01K' }).pk] })).toBe(true);
    // H1: a case's public progress (its own item, holding no name), by its code.
    expect(allows(statements, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: [progressKey('350100-261123-7K3M9QXA-R').pk] })).toBe(true);
    // The evaluator does see a full grant: department-hooks checks signatures with the secrets.
    expect(allows(statementsOf(functionId('department-hooks')), { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys: [DepartmentEntity.key({ code: '350100-scjg' }).pk] })).toBe(true);
  });

  it('no function serving an auth: none route (or the $default route) has a table read without the CATALOG, VERIFY or PROGRESS condition', () => {
    const ids = anonymousFunctionIds();
    expect(ids).toContain(functionId('public-api'));
    expect(ids.sort()).toEqual([...ANONYMOUS_FUNCTIONS].map(functionId).sort());
    for (const id of ids) {
      const statements = statementsOf(id);
      for (const s of statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')))) {
        if ([s.Action].flat().includes('dynamodb:UpdateItem')) {
          expect(s.Condition?.['ForAllValues:StringLike'], id).toEqual({ 'dynamodb:LeadingKeys': ['PROGRESS#*'], 'dynamodb:Attributes': ['pk', 'sk', 'misses_*'] });
          continue;
        }
        expect(s.Condition, id).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [CATALOG_PARTITION, 'VERIFY#*', 'PROGRESS#*'] } });
        expect([s.Action].flat(), id).toEqual(['dynamodb:Query']);
      }
      for (const req of readsOf(DepartmentEntity.key({ code: '350100-scjg' }).pk)) expect(allows(statements, req), `${id} ${JSON.stringify(req)}`).toBe(false);
    }
  });

  it('the construct refuses the whole table to a function of an anonymous route', () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Probe');
    for (const name of ANONYMOUS_FUNCTIONS) {
      expect(() => new PlatformFunction(stack, `P-${name}`, { name }).bindTable({ tableName: TABLE_NAME, access: 'R' })).toThrow(/bindCatalog/);
    }
    expect([...ANONYMOUS_FUNCTIONS]).toEqual([...new Set(ROUTES.filter((r) => r.auth === 'none' && !r.localOnly).map((r) => r.fn))]);
  });

  describe('what public-api’s code sends to DynamoDB on each of its routes', () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    const kms = mockClient(KMSClient);
    // The signing key KMS holds, so a QR the platform signed can be posted to /verify.
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signedQr = () =>
      signCompact({ sign: async (build) => { const message = build(publicJwkOf(key.publicKey).kid); return { kid: '', message, signature: new Uint8Array(nodeSign('sha256', message, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })) }; }, publicKeys: async () => [] }, { v: 1, certificateId: '01K', supervisionCode: '350100-261202-ABCDEFGH-X' }, CERTIFICATE_JWS_TYPE);
    const saved = { ...process.env };
    beforeAll(() => {
      // The signing key's alias as the template gives it to the function.
      const variables = (resources[functionId('public-api')]!.Properties.Environment as { Variables: Record<string, string> }).Variables;
      Object.assign(process.env, { TABLE_NAME, AWS_REGION: 'cn-north-1', SIGNING_KEY_IDS: variables.SIGNING_KEY_IDS });
      ddb.onAnyCommand().resolves({ Items: [] });
      kms.on(GetPublicKeyCommand).resolves({ PublicKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })) });
    });
    afterAll(() => {
      ddb.restore();
      kms.restore();
      process.env = saved;
    });

    it('is allowed by its policy: Queries of the CATALOG, VERIFY#… and PROGRESS#… partitions of the table and nothing else', async () => {
      const { handler } = await import('#functions/public-api.ts');
      const invoke = handler as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode: number }>;
      const event = (routeKey: string, rawPath: string, pathParameters?: Record<string, string>) =>
        ({ version: '2.0', routeKey, rawPath, rawQueryString: '', headers: {}, requestContext: { http: { method: 'GET', path: rawPath } }, isBase64Encoded: false, ...(pathParameters ? { pathParameters } : {}) }) as unknown as APIGatewayProxyEventV2;
      for (const r of deployedRoutes().filter((route) => route.fn === 'public-api')) {
        const params = Object.fromEntries([...r.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, 'basic-pension-claim']));
        const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
        const base = event(`${r.method} ${r.path}`, path, Object.keys(params).length ? params : undefined);
        const sent = r.operationId === 'getProgress' ? { ...base, rawQueryString: 'name=%E9%99%88%E7%BE%8E%E7%8E%B2', queryStringParameters: { name: '陈美玲' } } : base;
        const res = await invoke(r.method === 'POST' ? { ...sent, body: JSON.stringify({ qr: await signedQr() }) } : sent, {} as Context);
        // Nothing is on file here: no certificate and no case under that code; a QR the platform signed, not in its library.
        expect(res.statusCode, r.operationId).toBe(r.operationId === 'verifyByCode' || r.operationId === 'getProgress' ? 404 : 200);
      }
      expect((await invoke(event('$default', '/nowhere'), {} as Context)).statusCode).toBe(404);

      const calls = ddb.calls().map((c) => ({ name: (c.args[0] as object).constructor.name, input: (c.args[0] as { input: Record<string, unknown> }).input }));
      expect(calls.length).toBeGreaterThan(0);
      const statements = statementsOf(functionId('public-api'));
      for (const { name, input } of calls) {
        expect(name).toBe('QueryCommand');
        expect(input.IndexName).toBeUndefined();
        expect(input.KeyConditionExpression).toMatch(/^pk = :pk\b/);
        const pk = (input.ExpressionAttributeValues as Record<string, string>)[':pk']!;
        expect(allows(statements, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: [pk] }), pk).toBe(true);
      }
      // The JWKS: only the public half of the key the alias names, never a signature.
      expect(new Set(kms.calls().map((c) => (c.args[0] as object).constructor.name))).toEqual(new Set(['GetPublicKeyCommand']));
      expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([SIGNING_KEY_ALIAS, PREVIOUS_SIGNING_KEY_ALIAS]);
      const kmsStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
      expect(kmsStatements).toEqual([expect.objectContaining({ Action: 'kms:GetPublicKey', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [SIGNING_KEY_ALIAS, PREVIOUS_SIGNING_KEY_ALIAS] } } })]);
      // POST /verify asked for the verification records of the code its QR names.
      expect(calls.map((c) => (c.input.ExpressionAttributeValues as Record<string, string>)[':pk'])).toContain('VERIFY#350100-261202-ABCDEFGH-X');
      // GET /progress/{code} asked for the progress of that code, and of nothing else.
      expect(calls.map((c) => (c.input.ExpressionAttributeValues as Record<string, string>)[':pk'])).toContain('PROGRESS#basic-pension-claim');
    });
  });
});

describe('B every function writes its own log group and no other', () => {
  it('no role has AWSLambdaBasicExecutionRole (or any managed policy) and its acknowledgement is gone', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? []), id).not.toContain('AWSLambdaBasicExecutionRole');
    for (const [id] of ofType('AWS::Lambda::Function')) expect(resources[roleOf(id)]!.Properties.ManagedPolicyArns, id).toBeUndefined();
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!;
    expect(nag.conclusion).toBe('success');
    expect(JSON.stringify(nag.suppressedViolations)).not.toContain('AWSLambdaBasicExecutionRole');
  });

  it('each function’s only log statement allows CreateLogStream and PutLogEvents on its own log group', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(Object.keys(LAMBDAS).length);
    for (const [id, fn] of fns) {
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
      const logs = statementsOf(id).filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logs, id).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }]);
      // The statement reaches the role before the function starts writing.
      expect(fn.DependsOn, id).toEqual(expect.arrayContaining([roleOf(id)]));
    }
  });
});

describe('C no placeholder issuer in a deployment', () => {
  it('without -c jwtIssuer the issuer is a required CloudFormation parameter (no default), and the synth says so', () => {
    const built = buildApp({ context: NO_BUNDLING });
    const stateless = Template.fromStack(built.stateless);
    const params = stateless.toJSON().Parameters as Record<string, { Type: string; Default?: string; AllowedPattern?: string }>;
    expect(params.JwtIssuer).toMatchObject({ Type: 'String', AllowedPattern: JWT_ISSUER_PATTERN });
    // The CLI refuses to deploy a stack whose parameter has neither a default nor a previous value.
    expect(params.JwtIssuer!.Default).toBeUndefined();
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Audience: ['yiwangtongban'], Issuer: { Ref: 'JwtIssuer' } } });
    // No placeholder anywhere: no URL on a reserved name.
    expect(JSON.stringify(stateless.toJSON()).match(/https:\/\/[^"]*\.(invalid|test|example|localhost)\b/g)).toBeNull();
    Annotations.fromStack(built.stateless).hasWarning('*', Match.stringLikeRegexp('missing a value: JwtIssuer'));
  });

  it('with -c jwtIssuer=https://… the authorizer trusts exactly that issuer, and there is no parameter', () => {
    const built = buildApp({ context: { ...NO_BUNDLING, jwtIssuer: REAL_ISSUER, jwtAudience: 'ywtb-web' } });
    const stateless = Template.fromStack(built.stateless);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Audience: ['ywtb-web'], Issuer: REAL_ISSUER } });
    expect(Object.keys(stateless.toJSON().Parameters ?? {})).not.toContain('JwtIssuer');
    Annotations.fromStack(built.stateless).hasNoWarning('*', Match.stringLikeRegexp('JwtIssuer'));
  });

  it.each([
    'https://auth.yiwangtongban.invalid/',
    'https://AUTH.YIWANGTONGBAN.INVALID/',
    'https://idp.test/',
    'https://localhost:8443/realms/x',
    'http://login.gov-idp.cn/',
    'https://login.gov-idp.cn/?tenant=1',
    'login.gov-idp.cn',
  ])('a synth with -c jwtIssuer=%s stops with a message naming the key', (issuer) => {
    expect(() => buildApp({ context: { ...NO_BUNDLING, jwtIssuer: issuer } })).toThrow(/^-c jwtIssuer=.*https URL of the real identity provider/);
  });

  it('the parameter’s AllowedPattern (what CloudFormation checks) takes real issuers and refuses reserved names', () => {
    const pattern = new RegExp(JWT_ISSUER_PATTERN);
    for (const ok of [REAL_ISSUER, 'https://login.gov-idp.cn/', 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC', 'https://idp.example.com:8443', 'https://invalid.gov-idp.cn/']) {
      expect(pattern.test(ok), ok).toBe(true);
      expect(jwtIssuerFrom(ok)).toBe(ok);
    }
    for (const bad of ['https://auth.yiwangtongban.invalid/', 'https://a.test', 'https://a.example:443/x', 'https://localhost/', 'http://login.gov-idp.cn/', 'https://login.gov-idp.cn/#x', ' https://login.gov-idp.cn/']) {
      expect(pattern.test(bad), bad).toBe(false);
    }
    expect(jwtIssuerFrom(undefined)).toBeUndefined();
  });
});

describe('D the API’s access log is one JSON object per request', () => {
  it('with request id, route key, status, latencies, caller (IP, user agent, JWT sub) and integration error', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const format = (stages[0]![1].Properties.AccessLogSettings as { Format: string; DestinationArn: unknown }).Format;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields).toEqual(ACCESS_LOG_FIELDS);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      sourceIp: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      sub: '$context.authorizer.claims.sub',
      integrationError: '$context.integrationErrorMessage',
    });
    // Every value is one HTTP API $context variable, quoted, so each line parses as JSON.
    for (const v of Object.values(fields)) expect(v).toMatch(/^\$context\.[A-Za-z.]+$/);
  });
});

describe('C2 the shared-data platform’s endpoint is the deployment’s to give', () => {
  const citizenApiEnv = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment?.Variables ?? {}).filter((v) => 'SHARED_DATA_URL' in v);

  it('without -c sharedDataUrl it is a required CloudFormation parameter (no default), given to the function that files', () => {
    const stateless = Template.fromStack(buildApp({ context: NO_BUNDLING }).stateless);
    const params = stateless.toJSON().Parameters as Record<string, { Type: string; Default?: string }>;
    expect(params.SharedDataUrl).toMatchObject({ Type: 'String' });
    expect(params.SharedDataUrl!.Default).toBeUndefined();
    expect(citizenApiEnv(stateless)).toEqual([expect.objectContaining({ SHARED_DATA_URL: { Ref: 'SharedDataUrl' } })]);
  });

  it('with -c sharedDataUrl=https://… exactly that endpoint, and a plain http one stops the synth naming the key', () => {
    const stateless = Template.fromStack(buildApp({ context: { ...NO_BUNDLING, sharedDataUrl: 'https://data.fujian.gov.cn/share/v1' } }).stateless);
    expect(citizenApiEnv(stateless)).toEqual([expect.objectContaining({ SHARED_DATA_URL: 'https://data.fujian.gov.cn/share/v1' })]);
    expect(() => buildApp({ context: { ...NO_BUNDLING, sharedDataUrl: 'http://data.fujian.gov.cn/' } })).toThrow(/-c sharedDataUrl=http:\/\/data\.fujian\.gov\.cn\/: .*https URL/);
  });
});

describe('G4 the carrier’s endpoint is the deployment’s to give', () => {
  const followUpsEnv = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment?.Variables ?? {}).filter((v) => 'LOGISTICS_URL' in v);

  it('without -c logisticsUrl it is a required parameter given to the follow-ups (which book the mailing); with it, exactly that endpoint', () => {
    const asked = Template.fromStack(buildApp({ context: NO_BUNDLING }).stateless);
    expect((asked.toJSON().Parameters as Record<string, { Default?: string }>).LogisticsUrl).toEqual(expect.not.objectContaining({ Default: expect.anything() }));
    expect(followUpsEnv(asked)).toEqual([expect.objectContaining({ LOGISTICS_URL: { Ref: 'LogisticsUrl' } })]);
    const given = Template.fromStack(buildApp({ context: { ...NO_BUNDLING, logisticsUrl: 'https://api.ems.example.cn/v1' } }).stateless);
    expect(followUpsEnv(given)).toEqual([expect.objectContaining({ LOGISTICS_URL: 'https://api.ems.example.cn/v1' })]);
  });
});

describe('E CORS: the origins of the deployment, none by default', () => {
  const corsOf = (context: Record<string, unknown>) => {
    const api = ofTypeIn(Template.fromStack(buildApp({ context: { ...NO_BUNDLING, ...context } }).stateless), 'AWS::ApiGatewayV2::Api');
    return api.Properties.CorsConfiguration;
  };
  const ofTypeIn = (t: Template, type: string) => {
    const found = Object.values(t.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('without -c corsOrigins the API has no CORS configuration', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(ofType('AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration).toBeUndefined();
  });

  it('with -c corsOrigins=https://a.example,https://b.example exactly those origins, the API’s methods and headers, and a max age', () => {
    const expected = { AllowOrigins: ['https://a.example', 'https://b.example'], AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'], AllowHeaders: CORS_HEADERS, MaxAge: 3600 };
    expect(corsOf({ corsOrigins: 'https://a.example,https://b.example' })).toEqual(expected);
    // A list in cdk.json works the same.
    expect(corsOf({ corsOrigins: ['https://a.example', 'https://b.example'] })).toEqual(expected);
    expect(CORS_HEADERS).toEqual(['authorization', 'content-type', 'idempotency-key']);
    // Every method a deployed route uses is allowed.
    for (const r of deployedRoutes()) expect(expected.AllowMethods).toContain(r.method);
  });

  it.each(['*', 'https://a.example/', 'http://a.example', 'https://a.example/app', 'a.example'])('refuses %s as an origin', (origin) => {
    expect(() => corsOriginsFrom(`https://ok.example,${origin}`)).toThrow(/^-c corsOrigins=.*is not an origin/);
  });

  it('a deployment-shaped synth (issuer, audience, origins) passes cdk-nag', () => {
    const built = buildApp({ context: { ...NO_BUNDLING, jwtIssuer: REAL_ISSUER, corsOrigins: 'https://a.example' } });
    const assembly = built.app.synth();
    const deployed = JSON.parse(readFileSync(`${assembly.directory}/validation-report.json`, 'utf8')) as typeof report;
    const nag = deployed.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!;
    expect(nag.violations).toEqual([]);
    expect(nag.conclusion).toBe('success');
  });
});
