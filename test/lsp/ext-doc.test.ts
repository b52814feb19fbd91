/**
 * docs/lsp-extensions.md describes every custom request of server/src/lsp/ext-types.ts (a
 * heading naming its method), and names no method that does not exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { EXT_METHODS } from '../../server/src/lsp/ext-types';

test('docs/lsp-extensions.md describes exactly the custom requests', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'lsp-extensions.md'), 'utf8');
  const headings = doc.split('\n').filter((l) => l.startsWith('## '));
  const documented = new Set(headings.flatMap((h) => [...h.matchAll(/`(systemtap\/\w+)`/g)].map((m) => m[1])));
  assert.deepEqual([...documented].sort(), Object.values(EXT_METHODS).sort());
});
