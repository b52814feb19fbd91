/**
 * Turns a run's output events into the text the Output channel shows. With one source (a local
 * run, or one remote host) chunks pass through as they come, so a printf without a newline shows
 * at once. With several hosts each (host, stream) is cut into whole lines, each prefixed with
 * `[host] `, so lines from different hosts never interleave mid-line; what is left of a line
 * when the run ends is flushed with a newline. Plain Node (no `vscode`).
 */
import type { OutputEvent } from './backend/types';

export class OutputLines {
  private readonly pending = new Map<string, { prefix: string; text: string }>();

  /** @param prefixed whether lines get their host's prefix (a run on several hosts). */
  constructor(
    private readonly prefixed: boolean,
    private readonly write: (text: string) => void,
  ) {}

  push(event: OutputEvent): void {
    if (!this.prefixed) {
      this.write(event.text);
      return;
    }
    const key = `${event.host ?? ''}\0${event.stream}`;
    const prefix = `[${event.host ?? 'local'}] `;
    const text = (this.pending.get(key)?.text ?? '') + event.text;
    const end = text.lastIndexOf('\n');
    if (end >= 0) {
      this.write(
        text
          .slice(0, end)
          .split('\n')
          .map((line) => prefix + line + '\n')
          .join(''),
      );
    }
    this.pending.set(key, { prefix, text: text.slice(end + 1) });
  }

  /** Writes what is left of unfinished lines (at the end of a run). */
  flush(): void {
    for (const { prefix, text } of this.pending.values()) if (text) this.write(`${prefix}${text}\n`);
    this.pending.clear();
  }
}
