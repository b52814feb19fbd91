/**
 * fnmatch (server/src/util/fnmatch.ts) against glibc's `fnmatch(p, s, FNM_NOESCAPE)`: the shapes
 * tapset conditions use, and every case in test-fixtures/util/glibc-vectors.json (results taken
 * from the C library by glibc-vectors.py beside it, including odd brackets).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fnmatch, hasWildcard } from '../../server/src/util/fnmatch';

const vectors = JSON.parse(readFileSync(join(__dirname, '../../test-fixtures/util/glibc-vectors.json'), 'utf8')) as {
  fnmatch: [string, string, boolean][];
};

describe('fnmatch', () => {
  test('the patterns tapsets use', () => {
    assert.equal(fnmatch('x86_64', 'x86_64'), true);
    assert.equal(fnmatch('i?86', 'i386'), true);
    assert.equal(fnmatch('arm*', 'arm64'), true);
    assert.equal(fnmatch('arm*', 'x86_64'), false);
    assert.equal(fnmatch('[ym]', 'm'), true);
    assert.equal(fnmatch('[ym]', ''), false);
    assert.equal(fnmatch('2.6.*', '6.1.0'), false);
    assert.equal(fnmatch('*', ''), true);
  });

  test('backslash is an ordinary byte (FNM_NOESCAPE)', () => {
    assert.equal(fnmatch('a\\*', 'a\\xyz'), true);
    assert.equal(fnmatch('a\\*', 'a*'), false);
  });

  test('a long text with many stars stays fast', () => {
    const text = 'a'.repeat(5000);
    const start = Date.now();
    assert.equal(fnmatch('*a*a*a*a*a*b', text), false);
    assert.ok(Date.now() - start < 1000);
  });

  test('hasWildcard is strpbrk(s, "*?[")', () => {
    assert.equal(hasWildcard('6.1'), false);
    assert.equal(hasWildcard('6.*'), true);
    assert.equal(hasWildcard('[y]'), true);
    assert.equal(hasWildcard('a?'), true);
    assert.equal(hasWildcard('a]'), false);
  });

  test(`agrees with glibc on ${vectors.fnmatch.length} cases`, () => {
    const wrong = vectors.fnmatch.filter(([p, s, r]) => fnmatch(p, s) !== r);
    assert.deepEqual(wrong, []);
  });
});
