// Lint policy: type-aware rules for promise handling, small functions, and the dependency
// direction of ARCHITECTURE.md for every layer: entry points (cli/, the library root) → use cases
// and adapters → core; no adapter imports another; core imports nothing with I/O; nothing in src/
// imports the harness or the tests; and no import cycles anywhere (scripts/lint/no-import-cycles.js).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { noImportCycles } from './scripts/lint/no-import-cycles.js';

const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:https',
  'node:net',
  'node:tls',
  'node:child_process',
  'node:process',
  'undici',
  '@kubernetes/client-node',
];

/**
 * What one layer of src/ may not import (besides the harness and the tests, which nothing in src/
 * may import): the folders of other layers, matched as path segments, and I/O modules for core.
 */
function layer(folder, forbidden, paths = []) {
  const message = `${folder} may not import this (ARCHITECTURE.md: dependencies point one way)`;
  return {
    files: [`${folder}/**/*.ts`],
    ignores: [`${folder}/**/*.test.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths,
          patterns: [...forbidden, 'harness', 'test'].map((name) => ({
            group: [`**/${name}/**`],
            message,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'hack/**', 'build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      complexity: ['warn', 15],
      'max-depth': ['error', 4],
      'max-params': ['error', 5],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { local: { rules: { 'no-import-cycles': noImportCycles } } },
    rules: { 'local/no-import-cycles': 'error' },
  },
  layer('src/core', ['registry', 'cluster', 'manifests', 'usecases', 'cli', 'library'], ioModules),
  // Process-level helpers both adapters share (bounded child processes); they import only core.
  layer('src/system', ['registry', 'cluster', 'manifests', 'usecases', 'cli', 'library']),
  layer('src/registry', ['cluster', 'manifests', 'usecases', 'cli', 'library']),
  layer('src/cluster', ['registry', 'manifests', 'usecases', 'cli', 'library']),
  layer('src/manifests', ['registry', 'cluster', 'usecases', 'cli', 'library']),
  layer('src/usecases', ['cli', 'library']),
  layer('src/cli', ['library']),
  layer('src/library', []),
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: { 'no-restricted-globals': ['error', 'process', 'fetch'] },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      complexity: 'off',
      'max-params': 'off',
    },
  },
);
