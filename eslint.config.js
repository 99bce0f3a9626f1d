// Self-lint for obslint's own code: typescript-eslint's strict type-checked rules, with the few
// exceptions below, each with its reason.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Fixtures are the code under test and hold the very mistakes obslint reports; dist is built.
    ignores: ['dist/**', 'action/dist/**', 'fixtures/**', 'node_modules/**', 'coverage/**', '.vitest/**'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'eslint.config.js', '.dependency-cruiser.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The analysis walks TypeScript's AST, whose types declare `node.parent` always present (it is
      // undefined on a SourceFile and on synthesized nodes) and index arrays without
      // noUncheckedIndexedAccess; this rule would delete guards that are needed at run time.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Follows from the above: `!` marks a lookup an earlier check proves (Map#get after has, an
      // argument after a length check) where the types cannot carry that proof.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Messages interpolate counts and flags; only objects and nullish values are mistakes.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `const { root: _root, ...portable } = result` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The pure layers (ARCHITECTURE.md): output and exit codes belong to the front ends. Their imports
    // (no fs, no child_process) are checked by dependency-cruiser.
    files: ['src/extract/**', 'src/estimate/**', 'src/engine/**', 'src/model/**', 'rules/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only the CLI decides how the process ends.' },
        { object: 'process', property: 'exitCode', message: 'Only the CLI decides how the process ends.' },
        { object: 'process', property: 'stdout', message: 'Only the front ends write output.' },
        { object: 'process', property: 'stderr', message: 'Only the front ends write output.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'rules/**/*.test.ts'],
    rules: {
      // Tests read parsed JSON reports (SARIF, JSON output, schemas); a wrong shape fails the
      // assertion that reads it, which is the check these rules would add.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
