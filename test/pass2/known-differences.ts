/**
 * FIXME lists of the pass-2 example tests: which cases stap-ls gets wrong today, kept in a JSON
 * file beside the test (`known-differences.<list>.json`: `{ "<case>": "<first difference>" }`).
 *
 * A normal run asserts that every listed case still differs (so a fix shows up as a failure:
 * regenerate the list) and every unlisted case agrees. `UPDATE_KNOWN=1 npm test -- <test>`
 * rewrites the list from the run's outcomes instead of asserting (the lead regenerates it).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const UPDATE_KNOWN = process.env.UPDATE_KNOWN === '1';

/** The file of list `name`. */
export function knownFile(name: string): string {
  return join(__dirname, `known-differences.${name}.json`);
}

/** The list `name` as stored (empty when the file does not exist yet). */
export function loadKnown(name: string): Record<string, string> {
  const file = knownFile(name);
  if (!existsSync(file)) return {};
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  assert.ok(data && typeof data === 'object' && !Array.isArray(data), `${file}: not a JSON object`);
  return data as Record<string, string>;
}

/** Rewrites list `name` from `outcomes` (case → '' when it agrees, else the first difference). */
export function saveKnown(name: string, outcomes: ReadonlyMap<string, string>): void {
  const entries = [...outcomes].filter(([, d]) => d !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const list: Record<string, string> = {};
  for (const [key, detail] of entries) list[key] = summarize(detail);
  writeFileSync(knownFile(name), `${JSON.stringify(list, null, 2)}\n`);
}

/** A one-line reason from a multi-line difference (what the list shows a reader). */
export function summarize(detail: string): string {
  const oneLine = detail.replace(/\s*\n\s*/g, ' | ');
  return oneLine.length > 240 ? `${oneLine.slice(0, 237)}...` : oneLine;
}

/**
 * The assertion for one case: `detail` is '' when stap-ls agrees. Nothing is asserted while
 * regenerating.
 */
export function checkKnown(known: Record<string, string>, key: string, detail: string, context: string): void {
  if (UPDATE_KNOWN) return;
  const listed = known[key];
  if (listed === undefined) assert.equal(detail, '', `${context}\n${detail}`);
  else assert.notEqual(detail, '', `${context}: listed as a known difference (${listed}) but now agrees: regenerate the list (UPDATE_KNOWN=1)`);
}
