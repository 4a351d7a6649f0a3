import * as z from 'zod';
import { SharedDataUnavailable } from '../../errors.ts';
import type { SharedData, SharedRecord } from '../../ports/outside.ts';

const Answer = z.object({ record: z.record(z.string(), z.unknown()), updatedAt: z.string().max(40).optional() });

/** How long a filing waits for the shared-data platform. */
const TIMEOUT_MS = 3_000;

/**
 * The shared-data platform over HTTP (C2), at a configured endpoint — in AWS the government's,
 * locally the loopback stand-in (infra/local/shared-data.ts): `GET {endpoint}/subjects/{sub}/
 * materials/{materialId}` answers 200 `{record, updatedAt?}` or 404 when nothing is on file. Any
 * other answer, a malformed one or no answer within 3 s is SharedDataUnavailable (503: try again,
 * or upload the material).
 */
export class HttpSharedData implements SharedData {
  constructor(private readonly endpoint: string) {}

  async lookup(subject: string, materialId: string): Promise<SharedRecord | undefined> {
    const url = `${this.endpoint.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/materials/${encodeURIComponent(materialId)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    } catch (err) {
      throw new SharedDataUnavailable(`the shared-data platform did not answer for ${materialId} (${(err as Error).name}); try again, or upload it`);
    }
    if (res.status === 404) return void (await res.body?.cancel());
    const body = res.ok ? Answer.safeParse(await res.json().catch(() => undefined)) : undefined;
    if (!body?.success) throw new SharedDataUnavailable(`the shared-data platform answered ${res.status} for ${materialId}; try again, or upload it`);
    return { record: body.data.record, ...(body.data.updatedAt ? { updatedAt: body.data.updatedAt } : {}) };
  }
}
