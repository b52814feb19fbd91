/**
 * printf format strings (elaborate/printf-format.ts, stap's print_format::string_to_components):
 * what each format parses into, how many arguments of which type it takes, and which formats
 * stap refuses with which parse error. The acceptance table is checked against stap 4.8's `-p1`
 * where stap is installed (stap converts the format at parse time).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  conversionArgType,
  conversions,
  expectedArgCount,
  FormatError,
  INVALID_CONVERSION,
  stringToComponents,
  TRAILING_INCOMPLETE,
} from '../../server/src/elaborate/printf-format';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { pool } from '../helpers/pool';
import { runStapLatin1, firstLine, type RunResult } from '../pass1/harness';
import { runMine } from './compare';

/** A format and what stap makes of it: '' = accepted, else the parse error's message. */
const TABLE: [format: string, error: string][] = [
  ['%d', ''],
  ['%5b', ''],
  ['%.3c', ''],
  ['%*d', ''],
  ['%ld', ''],
  ['%lu', ''],
  ['%ls', ''],
  ['%lc', ''],
  ['%#x', ''],
  ['%-s', ''],
  ['% d', ''],
  ['%+d', ''],
  ['%05.3d', ''],
  ['%.d', ''],
  ['%-*.*s', ''],
  ['%M', ''],
  ['%m', ''],
  ['%p', ''],
  ['%X', ''],
  ['%o', ''],
  ['%i', ''],
  ['%%', ''],
  ['%l', ''],
  ['%.', ''],
  ['%lld', INVALID_CONVERSION],
  ['%hd', INVALID_CONVERSION],
  ['%hhd', INVALID_CONVERSION],
  ['%Ld', INVALID_CONVERSION],
  ['%zd', INVALID_CONVERSION],
  ['%e', INVALID_CONVERSION],
  ['%f', INVALID_CONVERSION],
  ['%n', INVALID_CONVERSION],
  ['%5%', INVALID_CONVERSION],
  ['%1$d', INVALID_CONVERSION],
  ['abc%', INVALID_CONVERSION],
  ['%', INVALID_CONVERSION],
  ['%%%', INVALID_CONVERSION],
  ['%5.%', INVALID_CONVERSION],
  ['%5', TRAILING_INCOMPLETE],
  ['%-', TRAILING_INCOMPLETE],
  ['%.5', TRAILING_INCOMPLETE],
  ['%5l', TRAILING_INCOMPLETE],
  ['%-l', TRAILING_INCOMPLETE],
  ['%*', TRAILING_INCOMPLETE],
  ['%.*', TRAILING_INCOMPLETE],
];

function parseError(format: string): string {
  try {
    stringToComponents(format);
    return '';
  } catch (err) {
    assert.ok(err instanceof FormatError);
    return err.message;
  }
}

describe('print_format::string_to_components', () => {
  test('conversions, their argument types and counts', () => {
    const c = stringToComponents('a%-*.*sb%5dc%%%x%p');
    assert.deepEqual(
      c.map((x) => [x.type, x.literal]),
      [
        ['literal', 'a'],
        ['string', 'a'],
        ['literal', 'b'],
        ['number', 'b'],
        ['literal', 'c%'],
        ['number', 'c%'],
        ['pointer', ''],
      ],
    );
    assert.equal(expectedArgCount(c), 6);
    assert.deepEqual(conversions(c).map(conversionArgType), ['string', 'long', 'long', 'long']);
    const s = conversions(c)[0]!;
    assert.equal(s.dynamicWidth && s.dynamicPrecision && s.flags === '-', true);
    assert.equal(conversions(stringToComponents('%5.3d'))[0]!.width, 5);
    assert.equal(conversions(stringToComponents('%5.3d'))[0]!.precision, 3);
    assert.equal(conversions(stringToComponents('%o %x %X %u'))[1]!.base, 16);
    assert.deepEqual(stringToComponents(''), []);
    assert.equal(expectedArgCount(stringToComponents('%l')), 0);
  });

  for (const [format, error] of TABLE) {
    test(`${JSON.stringify(format)}: ${error || 'accepted'}`, () => {
      assert.equal(parseError(format), error);
    });
  }
});

describe('format errors are stap parse errors (pass 1), against stap 4.8', () => {
  const stap = findStap();
  const theirs = new Map<string, RunResult>();
  let kbuild: FakeKbuild;
  const argv = (format: string) => ['-r', kbuild.dir, '-p1', '-e', `probe begin { printf("${format}", 1) }`];
  after(() => kbuild.cleanup());
  before(async () => {
    kbuild = makeFakeKbuild();
    if (!stap) return;
    await pool(
      TABLE.map(([format]) => async () => {
        theirs.set(format, await runStapLatin1(argv(format)));
      }),
      2,
    );
  });
  for (const [format, error] of TABLE) {
    test(JSON.stringify(format), () => {
      const mine = runMine(argv(format));
      assert.equal(firstLine(mine.stderr), error ? `parse error: ${error}` : '');
      const t = theirs.get(format);
      if (!t) return; // no stap: the table above is the reference
      assert.equal(mine.status, t.status);
      assert.equal(mine.stderr, t.stderr);
    });
  }
});
