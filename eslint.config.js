// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layer rules: each zone says which folders a layer must not reach into.
 * Core is pure (no AWS, no handler glue, no infrastructure, no local tooling);
 * the Lambda code never depends on local tooling; infrastructure knows the
 * runtime only through core and the runtime contract; tests are never a
 * dependency of anything else.
 */
const handlerGlue = ['./lambdas/adapters', './lambdas/composition', './lambdas/framework', './lambdas/sink', './lambdas/replay'];
const layerZones = [
  {
    target: './lambdas/core',
    from: [...handlerGlue, './infra', './local', './bench', './scripts', './test'],
    message: 'core is pure: it is used by the adapters, never the other way round.',
  },
  {
    target: './lambdas',
    from: ['./local', './infra', './bench', './scripts', './test'],
    message: 'the Lambda code does not depend on local tooling or infrastructure.',
  },
  {
    target: './infra',
    from: ['./lambdas/adapters', './lambdas/composition', './lambdas/framework', './local', './bench', './test'],
    message: 'infrastructure knows the runtime through core and lambdas/contract only.',
  },
  {
    target: ['./local', './bench', './scripts', './infra', './lambdas', './bin'],
    from: './test',
    message: 'nothing outside test/ imports test/.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', 'cdk.out/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }] },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
