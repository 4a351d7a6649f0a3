/**
 * What one deployment says about itself (`cdk … -c key=value`, or `context` in cdk.json), read and
 * checked once: a value that cannot be right stops the synth with a message naming the key.
 */

/** Top-level domains reserved never to resolve (RFC 2606, RFC 6761): no identity provider lives there. */
const RESERVED_TLDS = ['invalid', 'test', 'example', 'localhost'];

/**
 * An issuer URL: https, a host outside the reserved names, an optional port and path, no query or
 * fragment (OpenID Connect). Java-compatible, so CloudFormation applies it too (the JwtIssuer
 * parameter's AllowedPattern); it must match the whole value there, hence the anchors here.
 */
export const JWT_ISSUER_PATTERN = `^https://(?!([^/?#]*\\.)?(${RESERVED_TLDS.join('|')})\\.?(:[0-9]+)?(/|$))[A-Za-z0-9.-]+(:[0-9]+)?(/[^\\s?#]*)?$`;

const fail = (key: string, value: unknown, why: string): never => {
  throw new Error(`-c ${key}=${String(value)}: ${why}`);
};

/** `-c jwtIssuer`: the identity provider's issuer, or undefined when none is given (the stack then asks CloudFormation for it). */
export function jwtIssuerFrom(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const why = 'the JWT issuer must be the https URL of the real identity provider, exactly as in its tokens’ iss claim (no query or fragment, not a reserved .invalid, .test, .example or .localhost name)';
  if (typeof value !== 'string' || !new RegExp(JWT_ISSUER_PATTERN).test(value)) return fail('jwtIssuer', value, why);
  // Host names are case-insensitive: look again at the host as a URL parser sees it.
  const host = new URL(value).hostname.replace(/\.$/, '');
  if (RESERVED_TLDS.some((tld) => host === tld || host.endsWith(`.${tld}`))) return fail('jwtIssuer', value, why);
  return value;
}

/**
 * `-c sharedDataUrl` (the government shared-data platform, C2) or `-c logisticsUrl` (the carrier,
 * G4): an https endpoint, or undefined (the stack then asks CloudFormation for it).
 */
export function endpointFrom(key: 'sharedDataUrl' | 'logisticsUrl', value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash) return fail(key, value, 'the endpoint must be an https URL without query or fragment');
  return value as string;
}

/** `-c jwtAudience`: the audience the tokens must carry (the platform's client id at the identity provider). */
export function jwtAudienceFrom(value: unknown): string {
  if (value === undefined || value === '') return 'yiwangtongban';
  if (typeof value !== 'string' || !/^\S+$/.test(value)) return fail('jwtAudience', value, 'the JWT audience must be one client id, without spaces');
  return value;
}

/**
 * `-c corsOrigins=https://a.example,https://b.example` (or a list in cdk.json): the browser origins
 * allowed to call the API. None by default, and then the API has no CORS configuration at all.
 */
export function corsOriginsFrom(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : fail('corsOrigins', value, 'expected a comma-separated list of origins');
  const origins = list.map((o: unknown) => (typeof o === 'string' ? o.trim() : o)).filter((o) => o !== '');
  for (const o of origins) {
    let origin: string | undefined;
    try {
      origin = typeof o === 'string' ? new URL(o).origin : undefined;
    } catch {
      origin = undefined;
    }
    if (typeof o !== 'string' || !o.startsWith('https://') || origin !== o) {
      fail('corsOrigins', value, `${String(o)} is not an origin: each must be https://host[:port], with no path, trailing slash or wildcard`);
    }
  }
  return [...new Set(origins as string[])];
}
