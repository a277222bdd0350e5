import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cli/dist/', 'out/', 'media/build/', '.vscode-test/', '.run/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Layers point one way: ui, commands, studio and chat call services; services call core.
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/ui/*', '**/commands/*', '**/studio/*', '**/chat/*', '**/languageFeatures/*'], message: 'services never draw or ask: take what they need to ask or tell the person as arguments.' }] }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'core modules run in plain Node: pass what they need in.' }],
          patterns: [{ group: ['**/ui/*', '**/services/*', '**/commands/*', '**/studio/*', '**/chat/*', '**/languageFeatures/*'], message: 'core depends on nothing above it: pass what it needs in.' }],
        },
      ],
    },
  },
  {
    // Every message goes through src/ui/messages.ts, which records it in test mode, so a test
    // can assert what a person is told.
    files: ['src/**/*.ts'],
    ignores: ['src/ui/messages.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: "MemberExpression[object.object.name='vscode'][object.property.name='window'][property.name=/^show(Information|Warning|Error)Message$/]",
          message: 'Show messages with showInformation/showWarning/showError from src/ui/messages.ts (tests record them).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
