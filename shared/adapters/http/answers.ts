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
