import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['shared/domain/**', 'shared/usecases/**'],
    rules: {
      // Domain code takes time from the Clock port.
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use the Clock port.' }],
    },
  },
);
