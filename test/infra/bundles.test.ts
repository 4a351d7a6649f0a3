import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { writeFileSync } from 'node:fs';
import { NOTICE_FONTS } from '#shared/adapters/pdf/notices.ts';
import { bundleEntry, bundleLambda } from '../../infra/bundle.ts';
import { LAMBDAS, ROOT, type LambdaName } from '../../infra/lambdas.ts';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local.ts';
import { freshStore } from '../support/deps.ts';

// A clean install has no node_modules/.cache yet.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const outDir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'test-bundles-'));
// Sizes need no loading: built outside the project.
const sizesDir = mkdtempSync(join(tmpdir(), 'ywtb-bundle-sizes-'));
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(sizesDir, { recursive: true, force: true });
});

type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;

describe('the Lambda bundles, built as CDK builds them', () => {
  it.each(Object.keys(LAMBDAS) as LambdaName[])('%s loads as an ES module without any configuration', async (name) => {
    const file = await bundleLambda(name, outDir);
    const mod = (await import(pathToFileURL(file).href)) as { handler: unknown };
    expect(typeof mod.handler).toBe('function');
  });

  // Powertools and the X-Ray SDK come from the layer (infra/constructs/powertools-layer.ts); the
  // notice renderer's pdfkit and fonts keep follow-ups above the mark.
  it.each((Object.keys(LAMBDAS) as LambdaName[]).filter((n) => n !== 'follow-ups'))('%s is at most 300 KiB minified', async (name) => {
    const file = await bundleLambda(name, sizesDir);
    expect(statSync(file).size).toBeLessThanOrEqual(300 * 1024);
  });

  it('renders a Chinese notice from an ES-module bundle with the fonts shipped beside it', async () => {
    const entry = join(outDir, 'render-entry.ts');
    writeFileSync(entry, `export { PdfNoticeRenderer } from ${JSON.stringify(join(ROOT, 'shared/adapters/pdf/notices.ts'))};`);
    const file = await bundleEntry(entry, join(outDir, 'render', 'index.mjs'), Object.values(NOTICE_FONTS));
    const { PdfNoticeRenderer } = (await import(pathToFileURL(file).href)) as typeof import('#shared/adapters/pdf/notices.ts');
    const pdf = await new PdfNoticeRenderer().render({ title: '受理通知书', supervisionCode: '350100-261123-7K3M9QXA-R', caseId: 'C', applicant: '陈美玲', paragraphs: ['予以受理。'], department: '福州市市场监督管理局', date: '2026-11-23T10:00:00+08:00' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(100_000);
  });

  it('public-api serves health, a guide and a problem+json 404 from its bundle', async () => {
    // The guide in force reads published revisions from the table (DynamoDB Local here).
    const { tableName } = await freshStore();
    Object.assign(process.env, { TABLE_NAME: tableName, AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'), AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey });
    const { handler } = (await import(pathToFileURL(await bundleLambda('public-api', outDir)).href)) as { handler: Handler };
    const event = (routeKey: string, rawPath: string, pathParameters?: Record<string, string>) =>
      ({ version: '2.0', routeKey, rawPath, rawQueryString: '', headers: {}, requestContext: { http: { method: 'GET', path: rawPath } }, isBase64Encoded: false, ...(pathParameters ? { pathParameters } : {}) }) as unknown as APIGatewayProxyEventV2;
    expect(JSON.parse((await handler(event('GET /health', '/health'), {} as Context)).body)).toEqual({ status: 'ok' });
    const guide = await handler(event('GET /service-items/{code}', '/service-items/basic-pension-claim', { code: 'basic-pension-claim' }), {} as Context);
    expect(JSON.parse(guide.body).name).toBe('城镇职工基本养老保险待遇申领');
    const missing = await handler(event('$default', '/nowhere'), {} as Context);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    for (const k of ['TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[k];
  });
});
