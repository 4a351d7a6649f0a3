import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '#shared/adapters/metrics/emf.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('F4 department performance as CloudWatch metrics (Powertools EMF)', () => {
  it('writes each point as an EMF log line per department and once platform-wide', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    new EmfMetrics().emit([{ name: 'CasesTurnedRed', value: 1, department: 'fz-rsj' }]);
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: unknown[] }> } });
    expect(emf).toHaveLength(2);
    for (const e of emf) {
      expect(e._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'GovServices', Metrics: [{ Name: 'CasesTurnedRed', Unit: 'Count' }] });
      expect(e.CasesTurnedRed).toBe(1);
      expect(e.service).toBe('yiwangtongban');
    }
    expect(emf.map((e) => e._aws.CloudWatchMetrics[0]!.Dimensions[0]!.sort())).toEqual([['service'], ['department', 'service']]);
    expect(emf[1]!.department).toBe('fz-rsj');
  });
});
