/**
 * strverscmp (server/src/util/strverscmp.ts) against glibc: the documented examples, and every
 * pair in test-fixtures/util/glibc-vectors.json (results taken from the C library by
 * glibc-vectors.py beside it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { strverscmp } from '../../server/src/util/strverscmp';

const vectors = JSON.parse(readFileSync(join(__dirname, '../../test-fixtures/util/glibc-vectors.json'), 'utf8')) as {
  strverscmp: [string, string, number][];
};

describe('strverscmp', () => {
  test('the man page order: 000 < 00 < 01 < 010 < 09 < 0 < 1 < 9 < 10', () => {
    const order = ['000', '00', '01', '010', '09', '0', '1', '9', '10'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        assert.equal(Math.sign(strverscmp(order[i], order[j])), Math.sign(i - j), `${order[i]} vs ${order[j]}`);
      }
    }
  });

  test('kernel and systemtap versions', () => {
    assert.ok(strverscmp('6.1.0', '4.17.0') > 0);
    assert.ok(strverscmp('6.1.0-fake', '6.1.0') > 0);
    assert.ok(strverscmp('4.8', '4.10') < 0);
    assert.ok(strverscmp('4.8', '3.0') > 0);
    assert.ok(strverscmp('2.6.32', '2.6.9') > 0);
    assert.equal(strverscmp('1.4', '1.4'), 0);
    assert.ok(strverscmp('', 'a') < 0);
  });

  test(`agrees with glibc on ${vectors.strverscmp.length} pairs`, () => {
    const wrong = vectors.strverscmp.filter(([a, b, r]) => Math.sign(strverscmp(a, b)) !== r);
    assert.deepEqual(wrong, []);
  });
});
