/**
 * Working the VS Code UI the way a person does, through playwright-core: Quick Open, the command
 * palette, mouse hovers, F12, the Problems panel, the Output view, the status bar. The selectors
 * and the hover-after-activation retry follow ../shared/tools/vscode-e2e/example/e2e-test.js.
 * Monaco renders spaces as U+00A0, so every text read here is normalised.
 */
import type { Page } from './session';

export const norm = (s: string | null | undefined): string => (s ?? '').replace(/\u00a0/g, ' ');

const quickInput = '.quick-input-widget .quick-input-box input';
const quickRow = '.quick-input-widget .monaco-list-row';

/** Runs a command by its title from the command palette (F1); returns performance.now() when its row was clicked. */
export async function runCommand(page: Page, title: string): Promise<number> {
  await page.keyboard.press('F1');
  const input = page.locator(quickInput);
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + title);
  // The row labelled exactly `title` ("Run Probe" must not pick "Run Probe on Remote Hosts");
  // its aria-label is the title, then ", " and the keybinding when it has one.
  const row = page.locator(`${quickRow}[aria-label=${JSON.stringify(title)}], ${quickRow}[aria-label^=${JSON.stringify(title + ', ')}]`).first();
  await row.waitFor({ timeout: 15_000 });
  const chosen = performance.now();
  await row.click();
  return chosen;
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab and language mode. */
export async function openFile(page: Page, name: string, language = 'SystemTap'): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator(quickInput);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  const row = page.locator(quickRow).filter({ hasText: name }).first();
  await row.waitFor();
  await row.click();
  await activeTab(page, name);
  await page.locator('.statusbar-item[id="status.editor.mode"]').filter({ hasText: language }).waitFor();
}

/** Waits until the active editor tab is the file `name`. */
export async function activeTab(page: Page, name: string, timeout = 30_000): Promise<void> {
  await page.locator(`.part.editor .tabs-container .tab.active[data-resource-name=${JSON.stringify(name)}]`).first().waitFor({ timeout });
}

/**
 * The active editor's file path as its breadcrumbs show it (folders, then the file; the symbol
 * items after the file are left out). A file outside the workspace shows from the root: `/usr/share/...`.
 */
export async function breadcrumbsPath(page: Page, fileName: string, timeout = 15_000): Promise<string> {
  const control = page.locator('.part.editor .editor-group-container.active .breadcrumbs-control').first();
  await control.locator('.monaco-breadcrumb-item', { hasText: fileName }).first().waitFor({ timeout });
  const items = (await control.locator('.monaco-breadcrumb-item').allInnerTexts()).map((t: string) => norm(t).trim());
  const end = items.findIndex((t: string) => t === fileName);
  return '/' + items.slice(0, end + 1).filter((t: string) => t && t !== '/').join('/');
}

/** The cursor position the status bar shows ("Ln 14, Col 10"), as numbers. */
export async function cursorPosition(page: Page): Promise<{ line: number; column: number }> {
  const text = norm(await page.locator('.statusbar-item[id="status.editor.selection"]').innerText());
  const m = /Ln (\d+), Col (\d+)/.exec(text);
  if (!m) throw new Error(`no cursor position in the status bar: ${JSON.stringify(text)}`);
  return { line: Number(m[1]), column: Number(m[2]) };
}

/** Waits until the status bar shows the cursor on `line`; returns the position shown. */
export async function waitForCursorLine(page: Page, line: number, timeout = 15_000): Promise<{ line: number; column: number }> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const pos = await cursorPosition(page).catch(() => undefined);
    if (pos?.line === line || Date.now() > deadline) return pos ?? cursorPosition(page);
    await page.waitForTimeout(100);
  }
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The screen rectangle of the `nth` occurrence of `word` in the active editor's visible lines.
 * A line may be one span or many, so the word is found with a DOM Range over the text nodes.
 */
export async function wordBox(page: Page, word: string, nth = 0): Promise<Box> {
  const expression = `(${FIND_WORD_IN_BROWSER})(${JSON.stringify([word, nth])})`;
  const handle = await page.waitForFunction(expression, undefined, { timeout: 20_000 });
  return handle.jsonValue();
}

/*
 * Runs in the browser, so it is kept as source text: tsx (esbuild) would wrap a function written
 * here with its `__name` helper, which does not exist in the page.
 */
const FIND_WORD_IN_BROWSER = `([word, nth]) => {
  const isIdent = (c) => c !== undefined && /[A-Za-z0-9_$@]/.test(c);
  let seen = 0;
  const lines = [...document.querySelectorAll('.part.editor .editor-instance .view-line')];
  lines.sort((a, b) => a.getBoundingClientRect().y - b.getBoundingClientRect().y);
  for (const line of lines) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = n.data.indexOf(word); i >= 0; i = n.data.indexOf(word, i + 1)) {
        if (isIdent(n.data[i - 1]) || isIdent(n.data[i + word.length])) continue;
        if (seen++ < nth) continue;
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + word.length);
        const b = r.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      }
    }
  }
  return null;
}`;

/** Clicks into the middle of `word` (puts the cursor there). */
export async function clickWord(page: Page, word: string, nth = 0): Promise<void> {
  const box = await wordBox(page, word, nth);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/**
 * Hovers `word` with the mouse until a hover containing `expect` shows, and returns the hover's
 * text. A hover asked before the language server was ready is not asked again, so the mouse
 * moves away and back until it shows (vscode-e2e README, "Hover and extension activation").
 */
export async function hoverWord(page: Page, word: string, expect: string | RegExp, nth = 0, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  const hover = page.locator('.monaco-hover', { hasText: expect }).first();
  for (;;) {
    const box = await wordBox(page, word, nth);
    await page.mouse.move(5, 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      return norm(await hover.innerText());
    } catch (err) {
      if (Date.now() > deadline) {
        const shown = await page.locator('.monaco-hover').allInnerTexts().catch(() => []);
        throw new Error(`no hover with ${expect} over '${word}' (hovers shown: ${JSON.stringify(shown.map(norm))}): ${err}`);
      }
    }
  }
}

/** Moves the mouse away and closes widgets (hover, quick input). */
export async function dismiss(page: Page): Promise<void> {
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
}

export interface ProblemRow {
  text: string;
}

/** Shows the Problems panel and waits for a row containing `expect`; returns every row's text. */
export async function problems(page: Page, expect: string | RegExp, timeout = 30_000): Promise<string[]> {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await page.locator('.markers-panel .monaco-list-row', { hasText: expect }).first().waitFor({ timeout });
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(norm);
}

/** Waits for a line containing `expect` in the Output view; returns the view's visible text. */
export async function outputLine(page: Page, expect: string | RegExp, timeout = 30_000): Promise<string> {
  await page.locator('.output-view .view-line', { hasText: expect }).first().waitFor({ timeout });
  return norm(await page.locator('.output-view .view-lines').innerText());
}

/** The visible text of the editor whose active tab is the file `name` (the lines Monaco rendered). */
export async function editorText(page: Page, name: string): Promise<string> {
  const group = page
    .locator('.part.editor .editor-group-container')
    .filter({ has: page.locator(`.tab.active[data-resource-name=${JSON.stringify(name)}]`) })
    .first();
  return norm(await group.locator('.editor-instance .view-lines').first().innerText());
}

/**
 * Waits for `expect` in the Output view, failing at once with the text of an error dialog or
 * notification (e.g. "command 'systemtap.runProbe' not found") instead of waiting for the timeout.
 */
export async function outputLineOrError(page: Page, expect: string | RegExp, timeout = 30_000): Promise<string> {
  const error = page.locator('.monaco-dialog-box, .notification-toast', { hasText: /error|failed|not found|cannot/i }).first();
  const shown = await Promise.race([
    page.locator('.output-view .view-line', { hasText: expect }).first().waitFor({ timeout }).then(() => 'output'),
    error.waitFor({ timeout: timeout + 1000 }).then(() => 'error', () => new Promise(() => undefined)),
  ]);
  if (shown === 'error') {
    const parts = await error.locator('.dialog-message-text, .dialog-message-detail, .notification-list-item-message').allInnerTexts();
    throw new Error(`VS Code showed an error instead of the output: ${norm(parts.join(': ') || (await error.textContent()))}`);
  }
  return norm(await page.locator('.output-view .view-lines').innerText());
}

/** The editor area plus the panel below it (no activity bar, side bar or status bar): the screenshots' crop. */
export async function mainArea(page: Page): Promise<Box> {
  const boxes: Box[] = [];
  for (const sel of ['.part.editor', '.part.panel']) {
    const part = page.locator(sel).first();
    if (await part.isVisible()) boxes.push(await part.boundingBox());
  }
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}
