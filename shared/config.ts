/**
 * Configuration from the environment, read on every use: each getter reads its variables when it
 * is called, never ahead. That is deliberate: a Lambda is given only the variables of the adapters
 * it uses (shared/wiring.ts builds each adapter on first use), so a required variable that is unset
 * or empty, or a value out of range, throws an error naming the variable when it is read, not when
 * the module loads. Nothing is cached here: a changed variable is seen on the next read.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** An outside service's endpoint: an http(s) URL. */
function httpUrl(name: string): string {
  const url = required(name);
  if (!/^https?:\/\//.test(url)) throw new Error(`${name} must be an http(s) URL`);
  return url;
}

export const config = {
  get tableName() {
    return required('TABLE_NAME');
  },
  get bucketName() {
    return required('BUCKET_NAME');
  },
  get stateMachineArn() {
    return required('STATE_MACHINE_ARN');
  },
  /** 6-digit administrative region code printed in supervision codes (350100 = 福州市). */
  get regionCode() {
    return process.env.REGION_CODE ?? '350100';
  },
  /** `table` (the local runtime's timers) or `eventbridge` (AWS). */
  get schedulerMode(): 'table' | 'eventbridge' {
    return process.env.SCHEDULER_MODE === 'table' ? 'table' : 'eventbridge';
  },
  get schedulerTarget() {
    return {
      groupName: required('SCHEDULE_GROUP'),
      functionArn: required('SCHEDULER_TARGET_ARN'),
      roleArn: required('SCHEDULER_ROLE_ARN'),
      deadLetterArn: required('SCHEDULER_DLQ_ARN'),
    };
  },
  /** The local runtime's case time can be moved (POST /dev/clock); in AWS it is the system clock. */
  get movableCaseClock() {
    return process.env.CASE_CLOCK === 'movable';
  },
  /** Only the local runtime may deliver webhooks to loopback. */
  get allowLoopbackWebhooks() {
    return process.env.ALLOW_LOOPBACK_WEBHOOKS === 'true';
  },
  /** Local runtime: the retry schedule compressed (e.g. 0.001); 1 in AWS. */
  get retryTimeScale() {
    const scale = Number(process.env.RETRY_TIME_SCALE ?? 1);
    if (!(scale > 0 && scale <= 1)) throw new Error('RETRY_TIME_SCALE must be in (0, 1]');
    return scale;
  },
  /** The longest a bearer token may live (exp − iat), in seconds: 12 h unless set. */
  get maxTokenLifetimeSeconds() {
    const seconds = Number(process.env.MAX_TOKEN_LIFETIME_SECONDS ?? 12 * 3600);
    if (!(Number.isInteger(seconds) && seconds > 0)) throw new Error('MAX_TOKEN_LIFETIME_SECONDS must be a whole number of seconds');
    return seconds;
  },
  /** The local S3 stand-in serves buckets by path, not by virtual host. */
  get s3ForcePathStyle() {
    return process.env.S3_FORCE_PATH_STYLE === 'true';
  },
  /** The carrier's endpoint (G4): where the mailing of paper results is booked. */
  get logisticsUrl() {
    return httpUrl('LOGISTICS_URL');
  },
  /** The shared-data platform's endpoint (C2): where fetchable materials are looked up. */
  get sharedDataUrl() {
    return httpUrl('SHARED_DATA_URL');
  },
  /**
   * Where case packages are archived (G6): ARCHIVE_DIR, the local stand-in's folder (under
   * DATA_DIR), or else the Object Lock bucket ARCHIVE_BUCKET.
   */
  get archive(): { kind: 'folder'; dir: string } | { kind: 's3'; bucket: string } {
    const dir = process.env.ARCHIVE_DIR;
    return dir ? { kind: 'folder', dir } : { kind: 's3', bucket: required('ARCHIVE_BUCKET') };
  },
  /**
   * Where the applicants' SMS go: SMS_OUTBOX_FILE, the local gateway stand-in's file (under
   * DATA_DIR), or else Amazon SNS, with SMS_SENDER_ID as the sender id where one is registered.
   */
  get sms(): { kind: 'file'; file: string } | { kind: 'sns'; senderId?: string } {
    const file = process.env.SMS_OUTBOX_FILE;
    if (file) return { kind: 'file', file };
    const senderId = process.env.SMS_SENDER_ID;
    return { kind: 'sns', ...(senderId ? { senderId } : {}) };
  },
  /**
   * Where certificates are signed: SIGNING_KEY_FILE, a key file of the local stand-in (under
   * DATA_DIR), or else SIGNING_KEY_IDS, the KMS keys (ids, ARNs or aliases, comma-separated): the
   * first signs, all are published.
   */
  get signing(): { kind: 'file'; file: string } | { kind: 'kms'; keyIds: string[] } {
    const file = process.env.SIGNING_KEY_FILE;
    if (file) return { kind: 'file', file };
    const keyIds = required('SIGNING_KEY_IDS').split(',').map((k) => k.trim()).filter(Boolean);
    if (keyIds.length === 0) throw new Error('environment variable SIGNING_KEY_IDS names no key');
    return { kind: 'kms', keyIds };
  },
};
