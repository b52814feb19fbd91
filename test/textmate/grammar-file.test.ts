// Static checks of syntaxes/systemtap.tmLanguage.json itself: it parses, every "#name" include resolves to a
// repository rule, every repository rule is reachable from the top-level patterns, and every regular expression
// (match/begin/end) compiles with Oniguruma, including rules the fixtures never reach.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { grammarPath, loadOniguruma } from './textmate-helpers';

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  while?: string;
  patterns?: Rule[];
  captures?: Record<string, Rule>;
  beginCaptures?: Record<string, Rule>;
  endCaptures?: Record<string, Rule>;
}

interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as Grammar;

/** Every rule object, with a path for messages. */
function allRules(): Array<[string, Rule]> {
  const out: Array<[string, Rule]> = [];
  const visit = (rule: Rule, path: string) => {
    out.push([path, rule]);
    rule.patterns?.forEach((r, i) => visit(r, `${path}.patterns[${i}]`));
    for (const key of ['captures', 'beginCaptures', 'endCaptures'] as const) {
      for (const [n, r] of Object.entries(rule[key] ?? {})) visit(r, `${path}.${key}[${n}]`);
    }
  };
  grammar.patterns.forEach((r, i) => visit(r, `patterns[${i}]`));
  for (const [name, r] of Object.entries(grammar.repository)) visit(r, `repository.${name}`);
  return out;
}

let onig: Awaited<ReturnType<typeof loadOniguruma>>;
before(async () => {
  onig = await loadOniguruma();
});

describe('grammar file', () => {
  test('scopeName is source.systemtap', () => {
    assert.equal(grammar.scopeName, 'source.systemtap');
  });

  test('every local include resolves; only source.c is included from outside', () => {
    const bad: string[] = [];
    for (const [path, rule] of allRules()) {
      const inc = rule.include;
      if (inc === undefined) continue;
      if (inc.startsWith('#')) {
        if (!(inc.slice(1) in grammar.repository)) bad.push(`${path}: ${inc}`);
      } else if (inc !== 'source.c') bad.push(`${path}: ${inc}`);
    }
    assert.deepEqual(bad, []);
  });

  test('every repository rule is reachable from the top-level patterns', () => {
    const reached = new Set<string>();
    const visit = (rule: Rule) => {
      if (rule.include?.startsWith('#')) {
        const name = rule.include.slice(1);
        if (reached.has(name)) return;
        reached.add(name);
        visit(grammar.repository[name]);
      }
      rule.patterns?.forEach(visit);
    };
    grammar.patterns.forEach(visit);
    assert.deepEqual(Object.keys(grammar.repository).filter((n) => !reached.has(n)), []);
  });

  test('every regular expression compiles with Oniguruma', () => {
    const bad: string[] = [];
    for (const [path, rule] of allRules()) {
      for (const key of ['match', 'begin', 'end', 'while'] as const) {
        const re = rule[key];
        if (re === undefined) continue;
        try {
          new onig.OnigScanner([re]).dispose();
        } catch (e) {
          bad.push(`${path}.${key}: ${(e as Error).message}: ${re}`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  test('begin rules have an end, match rules have no end', () => {
    const bad = allRules()
      .filter(([, r]) => (r.begin !== undefined) !== (r.end !== undefined) || (r.match !== undefined && r.begin !== undefined))
      .map(([p]) => p);
    assert.deepEqual(bad, []);
  });
});
