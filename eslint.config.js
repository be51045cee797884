// ESLint flat config: typed rules for TypeScript sources and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'web/dist/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-console': ['error'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['web/e2e/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bench/**/*.ts', 'server/src/cli.ts', 'server/test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain JavaScript that runs on Node itself (a worker thread's entry, which gets no TypeScript loader).
    files: ['server/src/**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', AbortController: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', console: 'readonly' } },
  },
  {
    files: ['server/src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/domain/**', '**/api/**', '**/realtime/**'] }],
    },
  },
);
