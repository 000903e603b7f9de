// ESLint flat config: typescript-eslint's recommended rules for the whole codebase, plus the import boundaries of
// docs/architecture.md. CI runs `npm run lint`; test/lint/boundaries.test.ts proves the boundary rules fire.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

/** server/domain is pure TypeScript shared with the client: no Node built-ins, no HTTP framework, no database driver. */
export const domainImportRule = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'server/domain is shared with the client: no Node built-ins.' })),
  patterns: [
    { group: ['node:*'], message: 'server/domain is shared with the client: no node:* imports.' },
    { group: ['express', 'express/**'], message: 'server/domain must not import express.' },
    { group: ['pg', 'pg/**', 'pg-*'], message: 'server/domain must not import the database driver.' },
    {
      // up out of server/domain only to the data in gis-data/ (regulations are data)
      regex: '^\\.\\./(?!\\.\\./gis-data/)',
      message: 'server/domain imports only server/domain and gis-data, never the rest of the server.',
    },
  ],
};

/** The client reaches the server only through the @domain alias (server/domain; tsconfig.json paths, vite.config.ts alias). */
export const clientImportRule = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'The client runs in the browser: no Node built-ins.' })),
  patterns: [
    { group: ['**/server', '**/server/**'], message: 'The client imports from the server only via @domain/* (server/domain).' },
    { group: ['node:*'], message: 'The client runs in the browser: no node:* imports.' },
    { group: ['express', 'express/**', 'pg', 'pg/**'], message: 'The client must not import server libraries.' },
  ],
};

export default defineConfig(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a binding kept on purpose (Express error handlers' 4th argument, destructuring to drop a key)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // tests read untyped JSON response bodies: `any` is the honest type of `res.body` there
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': ['error', clientImportRule],
    },
  },
  {
    files: ['server/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainImportRule] },
  },
);
