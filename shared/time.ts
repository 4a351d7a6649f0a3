const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** ISO 8601 in Asia/Shanghai with its +08:00 offset, as the API promises. */
export function toShanghaiIso(date: Date): string {
  const shifted = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  return shifted.toISOString().replace('Z', '+08:00');
}

/** The calendar date (YYYY-MM-DD) in Asia/Shanghai. */
export function shanghaiDate(date: Date): string {
  return toShanghaiIso(date).slice(0, 10);
}

/** 2026年11月23日, as official documents date themselves. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** An ISO 8601 duration of days and time (P3D, PT72H, P1DT2H30M) in milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d = '0', h = '0', min = '0', sec = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(sec) * 1000;
}
