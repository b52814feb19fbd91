/**
 * What a remote run hands to ssh, built so that nothing the user typed is ever interpreted by a
 * shell: the destination is validated (and always given after `--`), and the remote command —
 * ONE string that sshd passes to the remote login shell as `$SHELL -c STRING` — is made of
 * words each single-quoted for POSIX sh. Plain Node, no `vscode` import.
 */

/** ssh options we add after the user's (ssh keeps the first value of an option, so theirs win). */
export const SSH_DEFAULT_OPTIONS: readonly string[] = [
  '-T', // no pty: output is not mangled (\r\n) and ^C is not a byte
  '-e', 'none', // no `~.` escapes in the script we pipe through stdin
  '-o', 'BatchMode=yes', // never prompt for a password or host key: no terminal to answer it
];

/**
 * Quotes one word for a POSIX shell: `'...'`, a `'` inside becoming `'\''`. Whatever the word
 * holds (spaces, `;`, `$()`, backticks, newlines, a leading `-`), the shell sees it as one
 * literal word. NUL cannot be in an argv string and is refused.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new Error('an argument cannot contain a NUL character');
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The words quoted one by one and joined by spaces: a command line for `sh -c`. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

const USER = '[A-Za-z0-9_][A-Za-z0-9._-]*';
const NAME = '[A-Za-z0-9_][A-Za-z0-9._-]*';
const BARE_IPV6 = '[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?';
const BRACKETED_IPV6 = `\\[(${BARE_IPV6})\\]`;
const PORT = '[0-9]{1,5}';
const PLAIN_DESTINATION = new RegExp(`^(?:(${USER})@)?(?:${NAME}|${BARE_IPV6}|${BRACKETED_IPV6})$`);
const URI_DESTINATION = new RegExp(`^ssh://(?:(${USER})@)?(?:(${NAME})|${BRACKETED_IPV6})(?::(${PORT}))?$`);

/** The rule {@link destinationError} applies, for messages and docs. */
export const DESTINATION_RULE =
  'an ssh destination is `host`, `user@host` or `ssh://[user@]host[:port]`, where user and host ' +
  'are letters, digits, `_`, `.`, `-` (not starting with `-` or `.`) and host may be an IPv6 ' +
  'address (`::1`, or `[::1]`); no spaces, control characters or shell characters';

/** Why `destination` is not an acceptable ssh destination, or undefined when it is. */
export function destinationError(destination: string): string | undefined {
  if (destination === '') return 'the ssh destination is empty';
  if (destination.startsWith('-')) return `the ssh destination ${JSON.stringify(destination)} starts with '-' (it would be read as an ssh option)`;
  if (/[\s\x00-\x1f\x7f]/.test(destination)) return `the ssh destination ${JSON.stringify(destination)} contains a space or control character`;
  if (destination.length > 255) return 'the ssh destination is longer than 255 characters';
  const uri = URI_DESTINATION.exec(destination);
  if (uri) {
    const port = uri[4];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `the port in ${JSON.stringify(destination)} is not 1-65535`;
    return undefined;
  }
  if (PLAIN_DESTINATION.test(destination)) return undefined;
  return `${JSON.stringify(destination)} is not an ssh destination: ${DESTINATION_RULE}`;
}

/**
 * The end of ssh's argv for a validated destination: `--` and the destination. OpenSSH 9.2
 * resolves neither `[::1]` nor `ssh://[::1]:port` (it takes the brackets as part of the name, or
 * prints its usage), so a bracketed IPv6 address is given bare, with `-p PORT` before `--`.
 */
export function destinationArgv(destination: string): string[] {
  const error = destinationError(destination);
  if (error) throw new Error(error);
  const uri = URI_DESTINATION.exec(destination);
  if (uri && uri[3] !== undefined) {
    const [, user, , address, port] = uri;
    return [...(port !== undefined ? ['-p', port] : []), '--', user !== undefined ? `${user}@${address}` : address];
  }
  const plain = PLAIN_DESTINATION.exec(destination);
  if (plain && plain[2] !== undefined) return ['--', plain[1] !== undefined ? `${plain[1]}@${plain[2]}` : plain[2]];
  return ['--', destination];
}

/** The argv after the `ssh` executable: the user's options, ours, `--`, the destination, the remote command. */
export function sshArgv(sshOptions: readonly string[], destination: string, remoteCommand: string): string[] {
  return [...sshOptions, ...SSH_DEFAULT_OPTIONS, ...destinationArgv(destination), remoteCommand];
}
