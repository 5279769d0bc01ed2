/**
 * Drives the VS Code workbench in headless Chromium (playwright-core) the way a
 * user does: quick open, command palette, Problems panel, hovers, quick fixes,
 * completion, status bar and the terminal. Selectors are VS Code 1.96's.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface StatusItem {
  id: string;
  text: string;
  /** Codicon names rendered in the item, e.g. ["sync", "modifier-spin"] or ["check"]. */
  icons: string[];
}

export interface LanguageStatusRow {
  label: string;
  detail: string;
  /** Titles of the item's actions, e.g. ["Restart"]. */
  links: string[];
}

export interface CompletionItem {
  label: string;
  /** The whole row's aria label (label and description). */
  aria: string;
  /** The kind shown by the row's icon, e.g. "variable", "snippet", or "text" for word-based guesses. */
  kind: string;
}

/** Polls `read` until `accept` holds; on timeout throws with the last value seen. */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The build's status bar item says "makeimg: ..." (the language mode says just "makeimg"); running while it spins. */
export const isBuildRunning = (i: StatusItem | undefined): boolean => !!i && i.icons.includes('sync') && i.icons.includes('modifier-spin');
/** The build's status bar item shows an outcome: success (check) or failure (error). */
export const isBuildFinished = (i: StatusItem | undefined): boolean =>
  !!i && !isBuildRunning(i) && (i.icons.includes('check') || i.icons.includes('error'));

export class Workbench {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  /** Opens `url` (a code-server folder URL) and waits until the workbench shows the folder. */
  static async open(url: string): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const wb = new Workbench(browser, page);
    if (process.env.E2E_DEBUG_CONSOLE) {
      const { appendFileSync } = await import('node:fs');
      const log = (m: string) => appendFileSync(process.env.E2E_DEBUG_CONSOLE!, `${new Date().toISOString()} ${m}\n`);
      page.on('console', (m) => log(`[${m.type()}] ${m.text()}`));
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) log(`NAVIGATED ${f.url()}`);
      });
    }
    try {
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    } catch (e) {
      await wb.close();
      throw e;
    }
    return wb;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  async screenshot(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true });
    await this.page.screenshot({ path });
  }

  /**
   * Waits until the window has reloaded as a multi-root workspace (adding a folder to a single-folder
   * window makes VS Code create an untitled workspace and load the page again with `?workspace=`) and
   * the new workbench shows its Explorer. Rows seen before that belong to the old page. On timeout the
   * error names the page's address and what the workspace file holds.
   */
  async waitForWorkspaceReload(timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1_000, deadline - Date.now());
    try {
      await this.page.waitForURL(/[?&]workspace=/, { timeout: left() });
      await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: left() });
      await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: left() });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${this.workspaceFileReport()}`);
    }
    return this.workspaceFile() ?? '';
  }

  /** The workspace file the page's address names (`?workspace=`), if any. */
  workspaceFile(): string | undefined {
    return new URL(this.page.url()).searchParams.get('workspace') ?? undefined;
  }

  /** The page's address and the content of its workspace file, for error messages. */
  workspaceFileReport(): string {
    const file = this.workspaceFile();
    let content = '(no workspace file in the address)';
    if (file) {
      try {
        content = readFileSync(file, 'utf8');
      } catch (e) {
        content = `(unreadable: ${(e as Error).message})`;
      }
    }
    return `page: ${this.page.url()}\nworkspace file: ${content}`;
  }

  /** The build's status bar item ("makeimg: ..."), if shown. */
  async buildStatus(): Promise<StatusItem | undefined> {
    return (await this.statusBarItems()).find((i) => i.text.startsWith('makeimg:'));
  }

  /** Runs a build command (its palette title) on the active image.sh; waits for it to start, then to end; returns the last status. */
  async runBuild(title: string, timeoutMs = 200_000): Promise<StatusItem> {
    await this.runCommand(title);
    await waitFor('the build to start', () => this.buildStatus(), isBuildRunning, 30_000);
    return (await waitFor('the build to finish', () => this.buildStatus(), isBuildFinished, timeoutMs))!;
  }

  /** Quick open (Ctrl+P) a workspace file by its path relative to the folder, and wait for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const slash = relativePath.lastIndexOf('/');
    const name = relativePath.slice(slash + 1);
    const folder = slash < 0 ? '' : relativePath.slice(0, slash);
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    // Rows are labelled "<name> <folder>, <group>"; "recently opened" rows come first, the search
    // results later, so wait for the row of exactly this file.
    const label = folder ? `${name} ${folder},` : `${name},`;
    await this.page.locator(`.quick-input-list .monaco-list-row[aria-label^="${label}"]`).first().click();
    await waitFor(
      `the editor of ${relativePath}`,
      () => this.activeEditorPath(),
      (p) => p === relativePath,
    );
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ state: 'visible' });
  }

  /** The active editor's path relative to the folder, from its breadcrumbs. */
  async activeEditorPath(): Promise<string> {
    const parts = await this.page.locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item').allInnerTexts();
    return parts.map((p) => p.trim()).join('/');
  }

  /**
   * Runs a command from the command palette by its title, e.g. "makeimg: Build Image".
   * `opensInput`: the command shows a quick input of its own (do not wait for the palette to close).
   */
  async runCommand(title: string, opensInput = false): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    if (!opensInput) await input.waitFor({ state: 'hidden' });
  }

  /** Language mode shown in the status bar for the active editor. */
  async languageMode(): Promise<string> {
    return (await this.page.locator('#status\\.editor\\.mode').textContent())?.trim() ?? '';
  }

  /** Aria label of the problems counter, e.g. "Errors: 2, Warnings: 0". */
  async problemCounts(): Promise<string> {
    return (await this.page.locator('#status\\.problems a').getAttribute('aria-label')) ?? '';
  }

  /** Opens the Problems panel and returns the text of each marker row. */
  async problems(): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('View: Focus Problems');
    await panel.waitFor({ state: 'visible' });
    // Marker rows only: they have a severity icon (file rows and related-information rows do not).
    return this.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) =>
        rows
          .filter((r) => r.querySelector('.codicon-error, .codicon-warning, .codicon-info'))
          .map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
      );
  }

  /** The Problems panel's marker rows, each with the name of the file it is listed under (the tree's file row above it). */
  async problemsByFile(): Promise<{ file: string; text: string }[]> {
    await this.problems(); // opens the panel
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => {
      const found: { file: string; text: string }[] = [];
      let file = '';
      for (const r of rows as HTMLElement[]) {
        if (r.querySelector('.codicon-error, .codicon-warning, .codicon-info'))
          found.push({ file, text: r.innerText.replace(/\s+/g, ' ').trim() });
        else {
          const name = r.querySelector('.monaco-icon-label .label-name') as HTMLElement | null;
          if (name) file = name.innerText.trim();
        }
      }
      return found;
    });
  }

  /** Moves the cursor of the active editor to a 1-based line and column. */
  async goTo(line: number, column: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Shows the hover at a position (like resting the mouse there) and returns its text. */
  async hoverAt(line: number, column: number): Promise<string> {
    await this.goTo(line, column);
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').first();
    await hover.waitFor({ state: 'visible' });
    return waitFor(
      'hover text',
      async () => (await hover.innerText()).trim(),
      (t) => t.length > 0,
    );
  }

  /** Opens the quick fix menu at a position and returns the action titles offered. */
  async quickFixesAt(line: number, column: number): Promise<string[]> {
    await this.goTo(line, column);
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor({ state: 'visible' });
    return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  /** Applies the quick fix with this title (the quick fix menu must be open): select it with the arrow keys, Enter. */
  async applyQuickFix(title: string): Promise<void> {
    const focused = this.page.locator('.action-widget .monaco-list-row.action.focused');
    for (let i = 0; i < 50; i++) {
      if ((await focused.getAttribute('aria-label')) === title) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no quick fix titled ${title}`);
  }

  /**
   * Triggers completion at the cursor and returns every item offered. The list
   * is virtualized (only visible rows exist), so it pages through it.
   */
  async completions(): Promise<CompletionItem[]> {
    await this.openSuggestions();
    const items = new Map<string, CompletionItem>();
    for (let page = 0; page < 50; page++) {
      const before = items.size;
      for (const item of await this.visibleSuggestions()) items.set(item.aria, item);
      if (page > 0 && items.size === before) break;
      await this.page.keyboard.press('PageDown');
    }
    await this.page.keyboard.press('Escape');
    return [...items.values()];
  }

  /** Opens completion and accepts the item with this label (moving the selection to it, then Enter). */
  async acceptCompletion(label: string): Promise<void> {
    await this.openSuggestions();
    const focused = this.page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name');
    for (let i = 0; i < 200; i++) {
      if ((await focused.innerText()).trim() === label) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no completion item labelled ${label}`);
  }

  private async openSuggestions(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+Space');
    await this.page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ state: 'visible' });
    // Let the language server's items arrive (the widget refreshes in place).
    await this.page.waitForTimeout(500);
  }

  private async visibleSuggestions(): Promise<CompletionItem[]> {
    return this.page.locator('.suggest-widget.visible .monaco-list-row').evaluateAll((els) =>
      els.map((e) => ({
        label: ((e.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '').trim(),
        aria: e.getAttribute('aria-label') ?? '',
        kind:
          Array.from(e.querySelector('.suggest-icon')?.classList ?? [])
            .find((c) => c.startsWith('codicon-symbol-'))
            ?.slice('codicon-symbol-'.length) ?? '',
      })),
    );
  }

  /**
   * The rows of the language status hover (the `{}` beside the language mode)
   * for the active editor: each item's label, detail and action links.
   */
  async languageStatus(): Promise<LanguageStatusRow[]> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('#status\\.languageStatus').hover();
    const rows = this.page.locator('.hover-language-status');
    await rows.first().waitFor({ state: 'visible' });
    const found = await rows.evaluateAll((els) =>
      els.map((el) => ({
        label: (el.querySelector('.label') as HTMLElement | null)?.innerText.trim() ?? '',
        detail: (el.querySelector('.detail') as HTMLElement | null)?.innerText.trim() ?? '',
        links: Array.from(el.querySelectorAll('.right a.monaco-link')).map((a) => (a as HTMLElement).innerText.trim()),
      })),
    );
    await this.page.mouse.move(0, 0); // the hover goes away
    return found;
  }

  /** Clicks the link of a diagnostic's code (e.g. MKIMG003) in the Problems panel, as a user does to read about it. */
  async openProblemCodeLink(code: string): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('View: Focus Problems');
    await this.page.locator('.markers-panel .monaco-list-row a.monaco-link', { hasText: code }).first().click();
  }

  /** The title of the active editor's tab (e.g. "Preview MKIMG003.md"). */
  async activeTabTitle(): Promise<string> {
    const tab = this.page.locator('.editor-group-container.active .tab.active .label-name, .editor-group-container.active .title-label');
    return (await tab.first().innerText()).trim();
  }

  /** Types into the active editor. */
  async type(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.type(text);
  }

  /** The full text of the active editor's model (read through the DOM lines, top of file). */
  async editorLines(): Promise<string[]> {
    return this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((lines) =>
      lines
        .map((l) => ({ top: parseFloat((l as HTMLElement).style.top || '0'), text: (l as HTMLElement).innerText.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
  }

  async statusBarItems(): Promise<StatusItem[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((items) =>
      items.map((el) => ({
        id: el.id,
        text: (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
        icons: Array.from(el.querySelectorAll('.codicon')).flatMap((i) =>
          Array.from(i.classList)
            .filter((c) => c.startsWith('codicon-'))
            .map((c) => c.slice('codicon-'.length)),
        ),
      })),
    );
  }

  /** Status bar items whose text contains `needle`. */
  async statusBarItemsWith(needle: string): Promise<StatusItem[]> {
    return (await this.statusBarItems()).filter((i) => i.text.includes(needle));
  }

  /** Rows of the visible terminal (the task terminal while a build runs), trailing blanks trimmed. */
  async terminalRows(): Promise<string[]> {
    const rows = await this.page.locator('.terminal-wrapper.active .xterm-rows > div').allInnerTexts();
    const text = rows.map((r) => r.replace(/\u00a0/g, ' ').trimEnd());
    while (text.length > 0 && text[text.length - 1] === '') text.pop();
    return text;
  }

  /**
   * The whole terminal text of a short session: xterm renders only its viewport,
   * so the panel is maximized while reading (and restored after).
   */
  async terminalText(): Promise<string> {
    await this.runCommand('View: Toggle Maximized Panel');
    try {
      await this.page.waitForTimeout(500); // xterm reflows to the new size
      return (await this.terminalRows()).join('\n');
    } finally {
      await this.runCommand('View: Toggle Maximized Panel');
    }
  }

  /** Types into the visible terminal (clicked first, as a user does to focus it); "\n" presses Enter. */
  async typeInTerminal(text: string): Promise<void> {
    await this.page.locator('.terminal-wrapper.active .xterm-screen').click();
    await this.page.keyboard.type(text);
  }

  /** Names of the open terminals/tasks in the terminal panel's tab list (or its single title). */
  async terminalTitles(): Promise<string[]> {
    return this.page.locator('.terminal-tabs-entry, .single-terminal-tab').allInnerTexts();
  }

  /** Visible notification toasts' messages. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /**
   * The buttons of the notification whose message matches `message`: its toast, or, once the
   * toast has hidden, its entry in the notification center (opened for this).
   */
  async notificationButtons(message: RegExp): Promise<string[]> {
    const found = await this.notificationItem(message);
    return (await found.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  }

  /** The notification whose message matches `message`: its toast, or, once the toast has hidden, its entry in the notification center (opened for this). */
  private async notificationItem(message: RegExp): Promise<Locator> {
    const item = (container: string) =>
      this.page
        .locator(`${container} .notification-list-item`)
        .filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) })
        .first();
    const toast = item('.notification-toast');
    if ((await toast.count()) > 0) return toast;
    if (!(await this.page.locator('.notifications-center.visible').isVisible())) await this.runCommand('Notifications: Show Notifications');
    return item('.notifications-center');
  }

  /** The text of every webview's document (e.g. the Markdown preview), read through its frames. */
  async webviewTexts(): Promise<string[]> {
    const texts: string[] = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      try {
        texts.push(await frame.evaluate(() => document.body?.innerText ?? ''));
      } catch {
        // A frame that navigated away meanwhile.
      }
    }
    return texts.filter((t) => t.trim() !== '');
  }

  /**
   * Clicks `button` on the notification whose message matches `message`: on its toast, or, once the toast
   * has hidden (Escape hides toasts, and every runCommand presses it), in the notification center.
   */
  async clickNotificationButton(message: RegExp, button: string): Promise<void> {
    const found = await this.notificationItem(message);
    await found.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** The titles of the code lenses shown in the active editor (they come from the language server). */
  async codeLenses(): Promise<string[]> {
    const lenses = await this.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration').allInnerTexts();
    return lenses.map((l) => l.trim()).filter((l) => l !== '');
  }

  /** Names of the Explorer's visible rows (workspace folders by their name, then files and directories). */
  async explorerRows(): Promise<string[]> {
    return this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''))
      .catch(() => []); // the page may be reloading (a folder was added)
  }

  /** Clicks the Explorer row with this name: opens a file, expands or collapses a directory. */
  async clickExplorerRow(name: string): Promise<void> {
    await this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first().click();
  }

  /** Expands (true) or collapses (false) the Explorer's directory row with this name, whatever its state. */
  async setExplorerRowExpanded(name: string, expanded: boolean): Promise<void> {
    const row = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
    // Clicked again while the state is wrong: a click can be lost when the window reloads under it
    // (adding a folder to a single-folder window turns it into a multi-root workspace).
    let lastClick = 0;
    await waitFor(
      `${name} ${expanded ? 'expanded' : 'collapsed'}`,
      async () => {
        const state = await row.getAttribute('aria-expanded', { timeout: 2_000 }).catch(() => null);
        if (state !== null && state !== String(expanded) && Date.now() - lastClick > 2_000) {
          lastClick = Date.now();
          await row.click({ timeout: 2_000 }).catch(() => undefined);
        }
        return state;
      },
      (v) => v === String(expanded),
      30_000,
    );
  }

  /**
   * Waits for the quick input titled `title` (a quick pick a command showed), types `text`, waits for the row
   * whose label starts with `row`, accepts it; returns the labels of the rows offered.
   */
  async pickQuickInput(title: string, text: string, row: string): Promise<string[]> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    const wanted = this.page.locator(`.quick-input-list .monaco-list-row[aria-label^="${row}"]`).first();
    await wanted.waitFor({ state: 'visible' });
    const offered = await this.page
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    await wanted.click();
    await input.waitFor({ state: 'hidden' });
    return offered;
  }

  /** The text of every webview's document (webviews are nested frames). */
  async webviewText(): Promise<string> {
    const texts = await Promise.all(
      this.page
        .frames()
        .filter((f) => f !== this.page.mainFrame())
        .map((f) => f.evaluate(() => document.body?.innerText ?? '').catch(() => '')),
    );
    return texts.filter(Boolean).join('\n');
  }

  private async focusEditor(): Promise<void> {
    await this.page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
  }
}
