import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.forge-build/**', 'static/*/build/**', '.sandbox/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/forge/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@forge/*'], message: 'Only src/adapters/forge touches @forge packages: the core and the handlers go through ports.' },
        { group: ['**/sandbox/**'], message: 'src/ never imports the sandbox.' },
      ] }],
    },
  },
  {
    // the types every layer shares, and the ports: they import nothing of the core or the adapters
    files: ['src/model/**/*.ts', 'src/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/sync/**', '**/rules/**', '**/adapters/**', '**/entry/**', '@forge/*'], message: 'src/model and src/ports import only src/model (and zod): the core and the adapters depend on them, not the reverse.' },
      ] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
