import { defineConfig } from 'vitest/config';

// Each project inherits the options below (extends: true by default) and runs its own folder.
// `vitest run` runs every project; `vitest run --project unit` runs one.
const STAND_INS = 'test/support/stand-ins.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      // Domain, use cases and the HTTP layer in memory: no Java, no stand-ins, no network.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // DynamoDB Local and s3rver start once for the project (inject('dynamoEndpoint'), inject('s3Endpoint')).
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [STAND_INS] } },
      // Each file starts `npm start`'s runtime as a process of its own, which starts its own
      // DynamoDB Local (so it needs Java) and s3rver; it uses no stand-in of this run.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      // The CDK template and cdk-nag need nothing; bundles.test.ts runs the public-api bundle
      // against DynamoDB Local, so this project uses the stand-ins too (one set for the run,
      // shared with integration: test/support/stand-ins.ts counts its users).
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], globalSetup: [STAND_INS] } },
    ],
  },
});
