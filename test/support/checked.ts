import { afterEach, expect } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';
import { problemOf } from '#shared/http/handler.ts';
import * as applicant from '#shared/usecases/applicant-actions.ts';
import * as calendar from '#shared/usecases/calendar.ts';
import * as cases from '#shared/usecases/cases.ts';
import * as catalog from '#shared/usecases/catalog.ts';
import * as deliveries from '#shared/usecases/deliveries.ts';
import * as department from '#shared/usecases/department-actions.ts';
import * as departments from '#shared/usecases/departments.ts';
import * as materials from '#shared/usecases/materials.ts';
import * as notices from '#shared/usecases/notices.ts';
import * as supervision from '#shared/usecases/supervision.ts';
import * as uploads from '#shared/usecases/uploads.ts';
import { Contract } from './contract.ts';

/**
 * The use cases behind the HTTP operations, as the integration tests call them, each result (or
 * refusal, as the problem+json the HTTP layer would send) checked with ajv against what the served
 * OpenAPI document declares for that operation and status. A test that got an undeclared answer
 * fails (afterEach, below): the contract holds for what the integration suites receive too.
 *
 * Each call then waits for the follow-up its step left (integration deps' `settle`), as a
 * person's or a system's next request comes after it (within a second of the answer in AWS).
 * Tests of that window itself call the use cases directly, with `followUps: 'manual'`.
 */
const contract = Contract.of(openApiDocument() as object);

type Answer = { status: number; body: unknown };
const asJson = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));

function checked<A extends unknown[], R>(operationId: string, fn: (...args: A) => Promise<R>, answer: (result: R) => Answer): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const c = await contract;
    try {
      const result = await fn(...args);
      const deps = args[0] as { settle?: () => Promise<unknown> };
      await deps.settle?.();
      const { status, body } = answer(result);
      c.checkOperation(operationId, status, 'application/json', asJson(body));
      return result;
    } catch (err) {
      const { status, body } = problemOf(err, '/');
      c.checkOperation(operationId, status, 'application/problem+json', body);
      throw err;
    }
  };
}
const ok = (status: number) => <R>(body: R): Answer => ({ status, body });
const asIs = (r: { status: number; body: unknown }): Answer => r;

afterEach(async () => {
  expect((await contract).violations.splice(0)).toEqual([]);
});

export const fileCase = checked('fileCase', cases.fileCase, asIs);
export const viewCase = checked('getCase', cases.viewCase, ok(200));
export const listCases = checked('listCases', cases.listCases, ok(200));
export const viewCertificate = checked('getCertificate', cases.viewCertificate, ok(200));
export const supplementCase = checked('supplementCase', applicant.supplementCase, ok(200));
export const withdrawCase = checked('withdrawCase', applicant.withdrawCase, ok(200));
export const documentLink = checked('getCaseDocument', notices.documentLink, ok(200));
export const openMaterial = checked('getCaseMaterial', materials.openMaterial, ok(200));
export const createUpload = checked('createUpload', uploads.createUpload, ok(201));
export const receiveDepartmentWebhook = checked('receiveDepartmentWebhook', department.receiveDepartmentWebhook, asIs);
export const staffAction = checked('staffAction', department.staffAction, ok(200));
export const supervisionOverview = checked('supervisionOverview', supervision.supervisionOverview, ok(200));
export const getServiceItem = checked('getServiceItem', catalog.getServiceItem, ok(200));
export const listServiceItems = checked('listServiceItems', catalog.listServiceItems, ok(200));
export const publishGuide = checked('publishGuide', catalog.publishGuide, ok(200));
export const loadCalendarYear = checked('loadCalendarYear', calendar.loadCalendarYear, ok(200));
export const createDepartment = checked('createDepartment', departments.createDepartment, ok(201));
export const updateDepartment = checked('updateDepartment', departments.updateDepartment, ok(200));
export const rotateSecret = checked('rotateDepartmentSecret', departments.rotateSecret, ok(200));
export const listDeadLetters = checked('listDeadLetters', deliveries.listDeadLetters, ok(200));
export const redeliver = checked('redeliverDeadLetter', deliveries.redeliver, ok(200));
