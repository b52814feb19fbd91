/**
 * ssh-args (client/src/backend/ssh-args.ts): POSIX single-quoting of the remote command's words,
 * checked by handing hostile words to a real `sh -c` (and `dash`/`bash` when installed) and
 * reading them back literally, with nothing executed; the ssh destination rule (accepted forms,
 * rejected hostile ones, always after `--`), and the argv given to ssh.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { destinationArgv, destinationError, shellCommand, shellQuote, sshArgv } from '../../../client/src/backend/ssh-args';

const scratch = mkdtempSync(join(tmpdir(), 'ssh-args-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Words that would do something if a shell interpreted them; each creates a file in `scratch` if run. */
const HOSTILE = [
  'plain',
  'two words',
  '',
  "it's",
  "''",
  `'\\''`,
  '"double" quotes',
  `a; touch ${scratch}/semicolon`,
  `$(touch ${scratch}/dollar-paren)`,
  `\`touch ${scratch}/backtick\``,
  `\${HOME} $HOME $1 $@ $* $$`,
  `x\ntouch ${scratch}/newline\n`,
  `| touch ${scratch}/pipe`,
  `&& touch ${scratch}/and &`,
  `> ${scratch}/redirect`,
  '-n',
  '--option=-e',
  '*',
  '~',
  '\\',
  '#comment',
  '\t tab \r cr',
  'unicode: é 中文 🎉',
  '!event',
];

const shells = ['sh', 'dash', 'bash', 'zsh'].filter((s) => spawnSync('sh', ['-c', `command -v ${s}`]).status === 0);

describe('shellQuote', () => {
  test('simple forms', () => {
    assert.equal(shellQuote('abc'), "'abc'");
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellCommand(['stap', '-e', 'probe begin { exit() }']), `'stap' '-e' 'probe begin { exit() }'`);
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });

  for (const shell of shells) {
    test(`${shell} reads every hostile word back literally and runs none of them`, () => {
      // printf '<%s>\n' WORD... : one bracketed line per word, so word boundaries show too.
      const command = `printf '<%s>\\n' ${shellCommand(HOSTILE)}`;
      const run = spawnSync(shell, ['-c', command], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, HOSTILE.map((w) => `<${w}>\n`).join(''));
      assert.deepEqual(readdirSync(scratch), [], 'a hostile word was executed');
    });
  }

  test('the quoted words survive as separate argv entries of a nested sh -c (the remote wrapper form)', () => {
    const inner = `for a do printf '<%s>\\n' "$a"; done`;
    const command = shellCommand(['sh', '-c', inner, 'argv0', ...HOSTILE]);
    const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, HOSTILE.map((w) => `<${w}>\n`).join(''));
    assert.deepEqual(readdirSync(scratch), []);
  });
});

describe('ssh destinations', () => {
  const accepted = [
    'host',
    'stap-sandbox-remote',
    'user@host',
    'root@10.0.0.1',
    'build_box.example.com',
    'ssh://host',
    'ssh://user@host:2222',
    'ssh://user@host',
    '::1',
    '[::1]',
    'user@[fe80::1%eth0]',
    'ssh://user@[::1]:2222',
  ];
  for (const d of accepted) test(`accepts ${JSON.stringify(d)}`, () => assert.equal(destinationError(d), undefined));

  const rejected: [string, RegExp][] = [
    ['', /empty/],
    ['-oProxyCommand=touch /tmp/pwned', /starts with '-'/],
    ['-V', /starts with '-'/],
    ['host name', /space/],
    ['host\nrm -rf /', /control/],
    ['host\t', /control/],
    ['host;touch /tmp/pwned', /space|not an ssh destination/],
    ['host;id', /not an ssh destination/],
    ['$(id)', /not an ssh destination/],
    ['`id`', /not an ssh destination/],
    ["host'", /not an ssh destination/],
    ['host"', /not an ssh destination/],
    ['a|b', /not an ssh destination/],
    ['a&b', /not an ssh destination/],
    ['user@@host', /not an ssh destination/],
    ['@host', /not an ssh destination/],
    ['-user@host', /starts with '-'/],
    ['user@-host', /not an ssh destination/],
    ['.host', /not an ssh destination/],
    ['ssh://host:0', /port/],
    ['ssh://host:70000', /port/],
    ['ssh://host:22x', /not an ssh destination/],
    ['host:22', /not an ssh destination/],
    ['ssh://-oProxyCommand=x', /not an ssh destination/],
    ['x'.repeat(300), /longer than 255/],
  ];
  for (const [d, why] of rejected) {
    test(`rejects ${JSON.stringify(d)}`, () => {
      assert.match(destinationError(d) ?? 'accepted', why);
      assert.throws(() => sshArgv([], d, 'true'), why);
    });
  }

  test('the destination always follows --; bracketed IPv6 is given bare (OpenSSH 9.2 does not strip brackets)', () => {
    assert.deepEqual(destinationArgv('user@host'), ['--', 'user@host']);
    assert.deepEqual(destinationArgv('ssh://user@host:2222'), ['--', 'ssh://user@host:2222']);
    assert.deepEqual(destinationArgv('[::1]'), ['--', '::1']);
    assert.deepEqual(destinationArgv('bob@[::1]'), ['--', 'bob@::1']);
    assert.deepEqual(destinationArgv('ssh://bob@[::1]:2200'), ['-p', '2200', '--', 'bob@::1']);
    assert.deepEqual(destinationArgv('ssh://[::1]'), ['--', '::1']);
  });

  test('ssh argv: user options, then ours, then -- DESTINATION COMMAND', () => {
    const argv = sshArgv(['-F', '/cfg'], 'host', "'stap' '-V'");
    assert.deepEqual(argv.slice(0, 2), ['-F', '/cfg']);
    assert.deepEqual(argv.slice(-3), ['--', 'host', "'stap' '-V'"]);
    assert.ok(argv.includes('BatchMode=yes'));
  });

  test('a rejected destination never reaches ssh: no file made by a ProxyCommand', () => {
    const marker = join(scratch, 'pwned');
    assert.throws(() => sshArgv([], `-oProxyCommand=touch ${marker}`, 'true'));
    assert.equal(existsSync(marker), false);
  });
});
