// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

const graphAndMsal = restrict(
  ['@microsoft/microsoft-graph-client', '@microsoft/microsoft-graph-client/*', '@azure/msal-node', '@azure/msal-node/*'],
  'Only services/microsoft talks to Microsoft Graph and Entra ID (MSAL).',
);
const persistence = restrict(
  ['@prisma/*', 'pg', 'pg-boss', '**/services/db/**', '**/generated/**'],
  'bot/ and cards/ never touch the database or the queue: call a service function.',
);
const platformSdks = restrict(
  ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai', '@slack/*'],
  'Platform SDKs stay in bot/ (services never see platform types or ack()).',
);

// Only services/microsoft names the Microsoft hosts (sim/ imports its constants): every
// request must pass the transport that maps them onto the simulator and refuses the rest.
const microsoftHosts = 'graph\\.microsoft\\.com|login\\.microsoftonline\\.com';
const hostMessage = 'Name Microsoft hosts only in services/microsoft (import the constants from services/microsoft/hosts.ts).';

export default tseslint.config(
  { ignores: ['node_modules/**', '.scratch/**', 'services/db/generated/**', 'manifest/teams/build/**', '.operate-hub/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortSignal: 'readonly', AbortController: 'readonly', performance: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', WebAssembly: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Config is parsed once at the entry point; nothing else reads the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from the parsed Config (services/config.ts), not process.env.' }],
      'no-restricted-imports': ['error', { patterns: graphAndMsal }],
    },
  },
  {
    files: ['bot/**/*.ts', 'cards/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...graphAndMsal, ...persistence] }] },
  },
  {
    files: ['services/**/*.ts', 'worker/**/*.ts'],
    ignores: ['services/microsoft/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...graphAndMsal, ...platformSdks] }] },
  },
  {
    files: ['services/microsoft/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: platformSdks }] },
  },
  {
    files: ['sim/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.{ts,js,mjs}'],
    ignores: ['services/microsoft/**', 'sim/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: `Literal[value=/${microsoftHosts}/i]`, message: hostMessage },
        { selector: `TemplateElement[value.raw=/${microsoftHosts}/i]`, message: hostMessage },
      ],
    },
  },
  {
    // Tests, benchmarks and install scripts are entry points of their own.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
