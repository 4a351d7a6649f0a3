import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What shared/adapters/provided.ts alone may load (an esquery regular expression). */
const PROVIDED = '/^(@aws-sdk\\u002F|@aws-lambda-powertools\\u002F|aws-xray-sdk-core$|(node:)?http$)/';

export default tseslint.config(
  { ignores: ['node_modules', 'cdk.out', '.data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['shared/domain/**', 'shared/usecases/**', 'shared/ports/**'],
    rules: {
      // The core knows nothing of AWS, nor of HTTP: the HTTP layer (shared/http) calls it, never the other way.
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '**/http/*', '#shared/http/*', '#functions/*'] }],
    },
  },
  {
    files: ['shared/**', 'functions/**'],
    ignores: ['shared/adapters/provided.ts'],
    rules: {
      // What Lambda provides beside the bundle is loaded with require(), in one place (see there).
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'aws-xray-sdk-core'], allowTypeImports: true, message: 'Load it through shared/adapters/provided.ts (require, not import: NODE_PATH and a faster cold start).' }],
        paths: ['node:http', 'http'].map((name) => ({ name, allowTypeImports: true, message: 'Load it through shared/adapters/provided.ts: importing it loads undici.' })),
      }],
      'no-restricted-syntax': ['error',
        { selector: `ImportExpression[source.value=${PROVIDED}]`, message: 'Load it through shared/adapters/provided.ts.' },
        { selector: `CallExpression[arguments.0.value=${PROVIDED}]`, message: 'Load it through shared/adapters/provided.ts.' },
      ],
    },
  },
  {
    files: ['shared/domain/**', 'shared/usecases/**'],
    rules: {
      // Domain code takes time from the Clock port.
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use the Clock port.' }],
    },
  },
);
