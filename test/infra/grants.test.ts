import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.ts';
import { LAMBDAS, type LambdaName } from '../../infra/lambdas.ts';
import { allows, functionId, ofType, resolve, statementsOf, synthesizeStateless, TABLE_ARN, type Resource } from './support/iam.ts';

beforeAll(() => {
  synthesizeStateless();
});

describe('I1 only the one-off mending may scan the table', () => {
  it('grants dynamodb:Scan to the timers function (mend-indexes) and to no other function', () => {
    const template = Template.fromStack(buildApp({ context: { 'aws:cdk:bundling-stacks': [] } }).stateless);
    const scanning = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) => JSON.stringify(p).includes('dynamodb:Scan'));
    expect(scanning.map(([id]) => id)).toEqual([expect.stringMatching(/^TimerFunction/)]);
  });
});

describe('C1 D1 F5 follow-ups run with the grants of what they do, and the request path keeps only its own', () => {
  const FILES = 'arn:aws:s3:::yiwangtongban-files-123456789012-cn-north-1';
  const STATE_MACHINE = 'arn:aws:states:cn-north-1:123456789012:stateMachine:Yiwangtongban-Stateless-case';
  const SCHEDULE = 'arn:aws:scheduler:cn-north-1:123456789012:schedule/Yiwangtongban-Stateless-timers/deliver-01K-1';
  const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
  const schedulerRoleId = () => {
    const roles = ofType('AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));
    expect(roles).toHaveLength(1);
    return roles[0]![0];
  };
  const streamArn = () => {
    const [[, mapping]] = ofType('AWS::Lambda::EventSourceMapping') as [[string, Resource]];
    return resolve(mapping.Properties.EventSourceArn);
  };

  it('the follow-ups function may write notices, copy uploads within the bucket, start and resume the workflow, and set timers', () => {
    const statements = statementsOf(functionId('follow-ups'));
    // A notice is a PutObject; a pinned copy is a CopyObject, which S3 authorizes as GetObject of the source and PutObject of the copy.
    expect(allows(statements, { action: 's3:PutObject', resource: `${FILES}/documents/01K/01K2.pdf` })).toBe(true);
    expect(allows(statements, { action: 's3:GetObject', resource: `${FILES}/uploads/u1` })).toBe(true);
    expect(allows(statements, { action: 's3:PutObject', resource: `${FILES}/pinned/uploads/01K-01K2` })).toBe(true);
    expect(allows(statements, { action: 'states:StartExecution', resource: STATE_MACHINE })).toBe(true);
    expect(allows(statements, { action: 'states:SendTaskSuccess', resource: STATE_MACHINE })).toBe(true);
    expect(allows(statements, { action: 'scheduler:CreateSchedule', resource: SCHEDULE })).toBe(true);
    expect(allows(statements, { action: 'iam:PassRole', resource: `<${schedulerRoleId()}.Arn>` })).toBe(true);
    expect(allows(statements, { action: 'dynamodb:DeleteItem', resource: TABLE_ARN })).toBe(true);
    // The filing's first attempt is started, never looked up: DescribeExecution stays the sweep's.
    expect(allows(statements, { action: 'states:DescribeExecution', resource: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:x` })).toBe(false);
  });

  it('the follow-ups function, and no other, may read the table’s stream, and only that stream', () => {
    const stream = streamArn();
    expect(stream).toMatch(/^<import Yiwangtongban-Stateful:/);
    for (const action of STREAM_ACTIONS) expect(allows(statementsOf(functionId('follow-ups')), { action, resource: stream }), action).toBe(true);
    expect(allows(statementsOf(functionId('follow-ups')), { action: 'dynamodb:GetRecords', resource: `${TABLE_ARN}/stream/2026-01-01T00:00:00.000` })).toBe(false);
    for (const name of (Object.keys(LAMBDAS) as LambdaName[]).filter((n) => n !== 'follow-ups')) {
      for (const action of STREAM_ACTIONS) expect(allows(statementsOf(functionId(name)), { action, resource: stream }), `${name} ${action}`).toBe(false);
    }
  });

  it('citizen-api and department-hooks neither start nor resume the workflow nor set timers; department-hooks writes no file', () => {
    for (const name of ['citizen-api', 'department-hooks'] as const) {
      const statements = statementsOf(functionId(name));
      for (const action of ['states:StartExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure']) expect(allows(statements, { action, resource: STATE_MACHINE }), `${name} ${action}`).toBe(false);
      expect(allows(statements, { action: 'scheduler:CreateSchedule', resource: SCHEDULE }), name).toBe(false);
      expect(allows(statements, { action: 'iam:PassRole', resource: `<${schedulerRoleId()}.Arn>` }), name).toBe(false);
      // Presigned downloads and the size of a pinned file (HEAD) are GetObject.
      expect(allows(statements, { action: 's3:GetObject', resource: `${FILES}/pinned/uploads/01K-01K2` }), name).toBe(true);
    }
    // The presigned upload URL is a PutObject signed by citizen-api.
    expect(allows(statementsOf(functionId('citizen-api')), { action: 's3:PutObject', resource: `${FILES}/uploads/u1` })).toBe(true);
    expect(allows(statementsOf(functionId('department-hooks')), { action: 's3:PutObject', resource: `${FILES}/documents/01K/01K2.pdf` })).toBe(false);
  });
});

describe('G4 the SMS go out from the functions that send them, to phone numbers only', () => {
  // A publish straight to a phone number is authorized against no resource ARN ("*").
  const toPhone = { action: 'sns:Publish', resource: '*' };
  const toTopic = { action: 'sns:Publish', resource: `arn:${resolve({ Ref: 'AWS::Partition' })}:sns:cn-north-1:123456789012:Yiwangtongban-Stateless-SupervisionAlerts` };

  it('lets follow-ups (first attempts) and timers (retries) publish to a phone number, and to no topic', () => {
    for (const name of ['follow-ups', 'timers'] as const) {
      expect(allows(statementsOf(functionId(name)), toPhone), name).toBe(true);
      expect(allows(statementsOf(functionId(name)), toTopic), name).toBe(false);
    }
  });

  it('lets no other function send an SMS', () => {
    for (const name of (Object.keys(LAMBDAS) as LambdaName[]).filter((n) => n !== 'follow-ups' && n !== 'timers')) expect(allows(statementsOf(functionId(name)), toPhone), name).toBe(false);
  });
});

describe('G6 the e-archive: an Object Lock bucket nobody can empty', () => {
  const ARCHIVE = 'arn:aws:s3:::yiwangtongban-archive-123456789012-cn-north-1';

  it('is a versioned bucket with Object Lock, retained with the stack gone', () => {
    const stateful = Template.fromStack(buildApp({ context: { 'aws:cdk:bundling-stacks': [] } }).stateful);
    const buckets = Object.values(stateful.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { VersioningConfiguration: { Status: 'Enabled' }, BucketName: { 'Fn::Join': ['', expect.arrayContaining(['yiwangtongban-archive-'])] } } });
  });

  it('lets follow-ups write packages with their retention, admin-api read them, and no function delete, bypass or shorten anything', () => {
    const writer = statementsOf(functionId('follow-ups'));
    for (const action of ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject']) expect(allows(writer, { action, resource: `${ARCHIVE}/01K/data/case.json` }), action).toBe(true);
    expect(allows(statementsOf(functionId('admin-api')), { action: 's3:GetObject', resource: `${ARCHIVE}/01K/bagit.txt` })).toBe(true);
    expect(allows(statementsOf(functionId('admin-api')), { action: 's3:PutObject', resource: `${ARCHIVE}/01K/bagit.txt` })).toBe(false);
    for (const name of Object.keys(LAMBDAS) as LambdaName[]) {
      for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectLegalHold', 's3:PutBucketObjectLockConfiguration']) {
        expect(allows(statementsOf(functionId(name)), { action, resource: `${ARCHIVE}/01K/data/case.json` }), `${name} ${action}`).toBe(false);
      }
      if (name !== 'follow-ups') expect(allows(statementsOf(functionId(name)), { action: 's3:PutObject', resource: `${ARCHIVE}/01K/data/case.json` }), name).toBe(false);
    }
  });
});
