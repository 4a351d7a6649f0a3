import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier, OutgoingSms } from '../../ports/outside.ts';
import { toShanghaiIso } from '../../time.ts';

export type SentSms = OutgoingSms & { sentAt: string };

/**
 * The local stand-in of the SMS gateway: every message it takes is appended to one JSON-lines file
 * under DATA_DIR, kept across restarts, and listed by GET /dev/outbox. A message is taken once: an
 * attempt made again (a follow-up run twice, the sweep) finds its id there and adds nothing.
 * Read and appended synchronously, so two sends in one process never interleave.
 */
export class LocalOutbox implements Notifier {
  constructor(
    private readonly file: string,
    private readonly clock: Clock,
  ) {}

  private text(): string {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
  }

  list(to?: string): SentSms[] {
    const sent = parse(this.text());
    return to === undefined ? sent : sent.filter((m) => m.to === to);
  }

  async send(sms: OutgoingSms): Promise<{ ok: boolean; error?: string }> {
    try {
      const text = this.text();
      if (parse(text).some((m) => m.id === sms.id)) return { ok: true };
      mkdirSync(dirname(this.file), { recursive: true });
      const sent: SentSms = { ...sms, sentAt: toShanghaiIso(this.clock.now()) };
      // After a line a kill -9 cut short, on a line of its own.
      const torn = text.length > 0 && !text.endsWith('\n');
      appendFileSync(this.file, `${torn ? '\n' : ''}${JSON.stringify(sent)}\n`, { mode: 0o600 });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: `the local outbox ${this.file} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
  }
}

/** The outbox's messages; a line a kill -9 cut short is passed over (the message it held is sent again: it was not taken). */
function parse(text: string): SentSms[] {
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as SentSms] : [];
    } catch {
      return [];
    }
  });
}
