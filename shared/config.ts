/** Configuration, read once from the environment; a missing variable fails loudly at start. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
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
  /** The local S3 stand-in serves buckets by path, not by virtual host. */
  get s3ForcePathStyle() {
    return process.env.S3_FORCE_PATH_STYLE === 'true';
  },
};
