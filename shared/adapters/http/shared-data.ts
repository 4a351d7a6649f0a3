import * as z from 'zod';
import { SharedDataUnavailable } from '../../errors.ts';
import type { SharedData, SharedRecord } from '../../ports/outside.ts';
import { boundedJson, callOutside } from './answers.ts';

const Answer = z.object({ record: z.record(z.string(), z.unknown()), updatedAt: z.string().max(40).optional() });
/** "Nothing on file" is a 404 that says so: a 404 of anything else (a wrong base path, a proxy) is not taken for it. */
const NothingOnFile = z.object({ found: z.literal(false) });

/** How long a filing waits for the shared-data platform. */
const TIMEOUT_MS = 3_000;
/** The largest answer taken: a record is kept with the case (pinned as JSON through its follow-up). */
const MAX_ANSWER_BYTES = 64 * 1024;
/** What may stand in a path segment: an account id, a material id — never `.` or `..`. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._@:-]{1,80}$/;

/**
 * The shared-data platform over HTTP (C2), at a configured endpoint — in AWS the government's,
 * locally the loopback stand-in (infra/local/shared-data.ts): `GET {endpoint}/subjects/{sub}/
 * materials/{materialId}` answers 200 `{record, updatedAt?}`, or 404 `{found: false}` when nothing
 * is on file. Any other answer, a malformed or oversized one (64 KiB) or no answer within 3 s is
 * SharedDataUnavailable (503: try again, or upload the material).
 */
export class HttpSharedData implements SharedData {
  constructor(private readonly endpoint: string) {}

  async lookup(subject: string, materialId: string): Promise<SharedRecord | undefined> {
    if (!SEGMENT.test(subject) || !SEGMENT.test(materialId)) return undefined;
    const res = await callOutside(this.endpoint, `/subjects/${encodeURIComponent(subject)}/materials/${encodeURIComponent(materialId)}`, {}, {
      timeoutMs: TIMEOUT_MS,
      unavailable: (why) => new SharedDataUnavailable(`the shared-data platform ${why} for ${materialId}; try again, or upload it`),
    });
    const json = res.status === 404 || res.ok ? await boundedJson(res, MAX_ANSWER_BYTES) : (await res.body?.cancel(), undefined);
    if (res.status === 404 && NothingOnFile.safeParse(json).success) return undefined;
    const body = res.ok ? Answer.safeParse(json) : undefined;
    if (!body?.success) throw new SharedDataUnavailable(`the shared-data platform answered ${res.status} for ${materialId} with no record; try again, or upload it`);
    return { record: body.data.record, ...(body.data.updatedAt ? { updatedAt: body.data.updatedAt } : {}) };
  }
}
