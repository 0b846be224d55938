// ESLint for slatesim: typescript-eslint's type-aware strict rules over every TypeScript file that
// tsconfig.json covers, run by `npm run lint` (and so by CI) after `tsc --noEmit` and before `prettier --check`.
// Layout and line width are prettier's job (.prettierrc); ESLint only judges what the code means.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, the embedded lake and generated reports are not source.
  { ignores: ['dist/', 'out/', 'test-output/', 'public/data/', 'docs/', 'node_modules/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      // projectService reads tsconfig.json, so the lint sees the same strict options the typecheck does.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers in messages (`index ${i} of ${n}`) are the point of most templates here; objects, nullish and
      // `any` in a template are still errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `(n) => progress.update(n)` is how callbacks are written here; braces would add nothing.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `const { scatter: _scatter, ...json } = report` is how a key is left out of a copy here.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // noUncheckedIndexedAccess makes every `arr[i]` `T | undefined`. An `arr[i] as number` cast only restates
      // the element type (and would hide a real `null`); write `arr[i]!` instead (auto-fixed). A `!` is then
      // itself an error (no-non-null-assertion, from strictTypeChecked) except where a file says once, where
      // its arrays are laid out, why its indices are in range: an `eslint-disable` with that reason above the
      // hot loops. Cold code reads through `at()` / `defined()` from src/data/checked.ts, which throw instead.
      '@typescript-eslint/non-nullable-type-assertion-style': 'error',
    },
  },
  // The few plain .js files (the CLI shim, the worker bootstrap, this config) are outside tsconfig.json.
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
