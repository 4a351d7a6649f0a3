/**
 * A call to an outside service at its configured endpoint (the shared-data platform, the carrier):
 * JSON asked for, redirects refused, bounded in time; no answer at all is the service's own
 * "unavailable" error. Any answer is the caller's to read.
 */
export async function callOutside(endpoint: string, path: string, init: RequestInit, opts: { timeoutMs: number; unavailable: (why: string) => Error }): Promise<Response> {
  try {
    return await fetch(`${endpoint.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    throw opts.unavailable(`did not answer (${(err as Error).name})`);
  }
}

/** An outside service's answer as JSON, or undefined when it is not JSON or longer than `maxBytes`. */
export async function boundedJson(res: Response, maxBytes: number): Promise<unknown> {
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > maxBytes) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}
