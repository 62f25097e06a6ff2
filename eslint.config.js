// One linter, zero warnings. The layer rules of ARCHITECTURE.md are enforced here with
// no-restricted-imports; import cycles are checked by madge (`npm run cycles`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const banned = (...groups) => ({
  'no-restricted-imports': [
    'error',
    { patterns: groups.map(([group, message]) => ({ group, message })) },
  ],
});

const DOM_AND_IO = [
  ['yjs', 'y-*', 'idb', 'idb/*', 'workbox-*', 'solid-js', 'solid-js/*'],
  'core is pure: no Yjs, IndexedDB, service worker or UI (ARCHITECTURE.md, layers)',
];
const NODE = [['node:*'], 'only src/cli, scripts and tests may use Node built-ins'];
const layer = (name, message) => [[`**/${name}/**`, `**/${name}`], message];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tmp/**',
      'tests/fixtures/corpus/**',
      'src/core/bundle/schema-validators.generated.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**'],
    rules: banned(
      DOM_AND_IO,
      NODE,
      layer('storage', 'core must not import storage'),
      layer('sync', 'core must not import sync'),
      layer('app', 'core must not import app'),
      layer('ui', 'core must not import ui'),
      layer('cli', 'core must not import cli'),
      layer('worker', 'core must not import worker'),
    ),
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'core is pure: no DOM' },
        { name: 'document', message: 'core is pure: no DOM' },
        { name: 'indexedDB', message: 'core is pure: no IndexedDB' },
        { name: 'localStorage', message: 'core is pure: no storage' },
        { name: 'fetch', message: 'core is pure: no network' },
        { name: 'WebSocket', message: 'core is pure: no network' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core is pure: pass the clock in' },
        { object: 'Math', property: 'random', message: 'core is pure: pass randomness in' },
        {
          object: 'crypto',
          property: 'getRandomValues',
          message: 'core is pure: pass randomness in',
        },
      ],
    },
  },
  {
    files: ['src/storage/**'],
    rules: banned(
      NODE,
      layer('sync', 'storage and sync never import each other'),
      layer('ui', 'storage must not import ui'),
      layer('app', 'storage must not import app'),
      layer('cli', 'storage must not import cli'),
    ),
  },
  {
    files: ['src/sync/**'],
    rules: banned(
      NODE,
      layer('storage', 'storage and sync never import each other'),
      layer('ui', 'sync must not import ui'),
      layer('app', 'sync must not import app'),
      layer('cli', 'sync must not import cli'),
    ),
  },
  {
    files: ['src/ui/**'],
    rules: banned(
      NODE,
      [
        ['yjs', 'y-*', 'idb', 'idb/*'],
        'ui gets services from app context, never storage, sync or Yjs',
      ],
      layer('storage', 'ui must not import storage'),
      layer('sync', 'ui must not import sync'),
      layer('cli', 'ui must not import cli'),
    ),
  },
  {
    files: ['src/app/**', 'src/*.ts', 'src/*.tsx'],
    rules: banned(NODE, layer('cli', 'the web app must not import the CLI')),
  },
  {
    files: ['worker/**'],
    rules: banned(
      NODE,
      layer('storage', 'workers import core and wasm only'),
      layer('sync', 'workers import core and wasm only'),
      layer('ui', 'workers import core and wasm only'),
      layer('app', 'workers import core and wasm only'),
      layer('cli', 'workers import core and wasm only'),
    ),
  },
  {
    files: ['src/server/**'],
    rules: banned(
      [
        ['yjs', 'y-webrtc', 'solid-js', 'solid-js/*', 'idb'],
        'the servers carry bytes; they never read the ledger',
      ],
      layer('core', 'the servers carry opaque bytes: no ledger logic'),
      layer('storage', 'servers import node:*, ws and the relay package only'),
      layer('sync', 'servers import node:*, ws and the relay package only'),
      layer('ui', 'servers import node:*, ws and the relay package only'),
      layer('app', 'servers import node:*, ws and the relay package only'),
      layer('cli', 'servers import node:*, ws and the relay package only'),
    ),
  },
  {
    files: ['src/cli/**'],
    rules: banned(
      layer('storage', 'cli imports core and node:* only'),
      layer('sync', 'cli imports core and node:* only'),
      layer('ui', 'cli imports core and node:* only'),
      layer('app', 'cli imports core and node:* only'),
    ),
  },
);
