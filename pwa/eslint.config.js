// What a test in a browser finds late: a name never defined, one defined and never used,
// a hook called where it must not be. ESLint's recommended rules over the app's own code.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.browser },
    rules: { 'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }] },
  },
  { files: ['src/sw.js'], languageOptions: { globals: globals.serviceworker } },
  { files: ['*.config.js'], languageOptions: { globals: globals.node } },
];
