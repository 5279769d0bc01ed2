/**
 * Completion over the real protocol (bundled server), by context: variables
 * after `$`, suffixes after `img_name=`, files on disk inside
 * `*_files_src`, contract snippets at the top level and user functions at
 * command position. Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { FILE_ARRAY_PAIRS, findHook, IMAGE_SUFFIXES, PROVIDED_VARIABLES, VARIABLES } from '../../shared/contract';
import { LspTestClient, REPO_ROOT } from './support/lsp-client';

const CURSOR = '|';

describe('completion (textDocument/completion)', function () {
  this.timeout(20_000);
  let client: LspTestClient;
  let project: string;
  let uri: string;
  let version = 1;

  before(async () => {
    project = mkdtempSync(join(tmpdir(), 'makeimg-completion-'));
    mkdirSync(join(project, 'files', 'network'), { recursive: true });
    writeFileSync(join(project, 'files', 'hostname'), 'box\n');
    writeFileSync(join(project, 'files', 'network', '20-wired.network'), '');
    writeFileSync(join(project, 'files', '.hidden'), '');
    writeFileSync(join(project, 'motd file'), '');
    writeFileSync(join(project, 'image.sh'), '');
    uri = pathToFileURL(join(project, 'image.sh')).href;
    client = await LspTestClient.start();
    client.open(uri, '', version);
  });
  after(async () => {
    await client.stop();
    rmSync(project, { recursive: true, force: true });
  });

  /** Replace the document with `text` (minus the cursor mark) and complete at the mark. */
  async function completeAt(textWithCursor: string): Promise<CompletionItem[]> {
    const offset = textWithCursor.indexOf(CURSOR);
    const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
    client.change(uri, ++version, [{ text }]);
    const before = text.slice(0, offset);
    const position = { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
    const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList;
    return result.items;
  }
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);
  const providedNames = PROVIDED_VARIABLES.map((v) => v.name);

  it('after $ in do_install: the provided variables first, then the variables of the file', async () => {
    const items = await completeAt(
      ['mirror=x', 'do_install() {', '  local tmp=1', '  echo "$|"', '}', 'other() { local hidden=1; }'].join('\n'),
    );
    assert.deepEqual(labels(items), ['mirror', 'tmp', ...providedNames]);
    const imgDir = items.find((i) => i.label === 'img_dir');
    assert.deepEqual(imgDir?.textEdit, { range: { start: { line: 3, character: 9 }, end: { line: 3, character: 9 } }, newText: 'img_dir' });
    assert.equal(imgDir?.sortText, '0_img_dir');
    assert.deepEqual(
      items.find((i) => i.label === 'mirror'),
      {
        label: 'mirror',
        kind: 6,
        detail: 'variable, line 1',
        textEdit: { range: { start: { line: 3, character: 9 }, end: { line: 3, character: 9 } }, newText: 'mirror' },
        sortText: '1_mirror',
      },
    );
  });

  it('after ${ with a partial name: replaces the partial name', async () => {
    const items = await completeAt('do_install() {\n  cp "${src_d|"\n}');
    const srcDir = items.find((i) => i.label === 'src_dir');
    assert.deepEqual(srcDir?.textEdit, {
      range: { start: { line: 1, character: 8 }, end: { line: 1, character: 13 } },
      newText: 'src_dir',
    });
  });

  it('inside do_postinstall and the functions it calls: no provided variables', async () => {
    const text = ['mirror=x', 'helper() {', '  echo $|', '}', 'do_postinstall() {', '  helper', '}'].join('\n');
    assert.deepEqual(labels(await completeAt(text)), ['mirror']);
    assert.deepEqual(labels(await completeAt('mirror=x\ndo_postinstall() {\n  echo ${|}\n}')), ['mirror']);
    // The same helper called only from do_install does get them.
    assert.deepEqual(labels(await completeAt(text.replace('do_postinstall', 'do_install'))), ['mirror', ...providedNames]);
  });

  it('after img_name=NAME: the supported suffixes', async () => {
    const items = await completeAt('img_name=debian|');
    assert.deepEqual(
      labels(items),
      IMAGE_SUFFIXES.map((s) => s.suffix),
    );
    assert.deepEqual(items[1], {
      label: IMAGE_SUFFIXES[1].suffix,
      kind: 20,
      detail: IMAGE_SUFFIXES[1].description,
      documentation: {
        kind: 'markdown',
        value: `Compressed with the first of: ${IMAGE_SUFFIXES[1].compressors.map((c) => `\`${c}\``).join(', ')}`,
      },
      textEdit: { range: { start: { line: 0, character: 15 }, end: { line: 0, character: 15 } }, newText: IMAGE_SUFFIXES[1].suffix },
      insertTextFormat: InsertTextFormat.PlainText,
      sortText: '01',
    });
  });

  it('after img_name=NAME.ta: replaces the partial suffix', async () => {
    const items = await completeAt('img_name="debian.ta|"');
    assert.deepEqual(items[0].textEdit, { range: { start: { line: 0, character: 16 }, end: { line: 0, character: 19 } }, newText: '.tar' });
  });

  it('after an empty img_name=: a name placeholder with each suffix', async () => {
    const items = await completeAt('img_name=|');
    assert.equal(items[0].insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(items[0].textEdit, {
      range: { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } },
      newText: `\${1:myimage}${IMAGE_SUFFIXES[0].suffix}`,
    });
  });

  it('inside a *_files_src array: files and folders next to image.sh (no hidden files)', async () => {
    const src = FILE_ARRAY_PAIRS[1].src;
    const items = await completeAt(`${src}=(|)`);
    assert.deepEqual(labels(items), ['files/', 'image.sh', 'motd file']);
    assert.deepEqual(items[0], {
      label: 'files/',
      kind: 19,
      detail: 'files/',
      textEdit: {
        range: { start: { line: 0, character: src.length + 2 }, end: { line: 0, character: src.length + 2 } },
        newText: 'files/',
      },
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    });
    // Unquoted names with spaces are escaped; quoted ones are not.
    assert.equal(items[2].textEdit?.newText, 'motd\\ file');
    const quoted = await completeAt(`${src}=("mo|")`);
    assert.deepEqual(
      quoted.map((i) => i.textEdit?.newText),
      ['files/', 'image.sh', 'motd file'],
    );
  });

  it('inside a folder of a *_files_src array, also on a later line of an unclosed array', async () => {
    const src = FILE_ARRAY_PAIRS[0].src;
    const items = await completeAt(`${src}=(files/hostname files/|`);
    assert.deepEqual(labels(items), ['hostname', 'network/']);
    assert.deepEqual((items[0].textEdit as TextEdit | undefined)?.range, {
      start: { line: 0, character: src.length + 23 },
      end: { line: 0, character: src.length + 23 },
    });
    assert.deepEqual(labels(await completeAt(`${src}=(\n  files/hostname\n  files/network/|\n)`)), ['20-wired.network']);
    assert.deepEqual(labels(await completeAt(`${src}=(files/.|)`)), ['.hidden', 'hostname', 'network/']);
  });

  it('no paths outside the image.sh directory, for dynamic words, or in *_files_dst', async () => {
    const pair = FILE_ARRAY_PAIRS[0];
    assert.deepEqual(await completeAt(`${pair.src}=(../|)`), []);
    assert.deepEqual(await completeAt(`${pair.src}=(/etc/|)`), []);
    assert.deepEqual(await completeAt(`${pair.src}=($HOME/|)`), []);
    assert.deepEqual(await completeAt(`${pair.dst}=(|)`), []);
  });

  it('never offers the same name twice: its items are unique, and no static snippet (snippets/makeimg.json) repeats one', async () => {
    const snippets = JSON.parse(readFileSync(join(REPO_ROOT, 'snippets', 'makeimg.json'), 'utf8')) as Record<
      string,
      { prefix: string | string[] }
    >;
    const prefixes = new Set(Object.values(snippets).flatMap((s) => s.prefix));
    for (const text of ['|', 'do_install() {\n    |\n}\n', 'helper() { :; }\n|', 'x=1\necho $|']) {
      const names = labels(await completeAt(text));
      assert.deepEqual(names, [...new Set(names)], text);
      assert.deepEqual(
        names.filter((n) => prefixes.has(n)),
        [],
        text,
      );
    }
  });

  it('at the top level: snippets for the contract names not written yet', async () => {
    const items = await completeAt('img_name=x.tar\n|');
    const expected = [...VARIABLES.filter((v) => v.name !== 'img_name').map((v) => v.name), 'do_install', 'do_postinstall'];
    assert.deepEqual(labels(items), expected);
    const pair = FILE_ARRAY_PAIRS[0];
    assert.deepEqual(items[0].textEdit?.newText, `${pair.src}=(\${1})\n${pair.dst}=(\${2})`);
    assert.equal(items[0].insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(items[1].textEdit?.newText, `${pair.dst}=(\${1})`);
    const hook = items.find((i) => i.label === 'do_install');
    assert.deepEqual(hook?.textEdit, {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      newText: 'do_install()\n{\n\t${1:' + (findHook('do_install')?.skeleton[0] ?? '').replace(/[\\$}]/g, (c) => `\\${c}`) + '}\n}',
    });
  });

  it('at the top level with a partial word: replaces it; only the missing half of a pair is offered alone', async () => {
    const pair = FILE_ARRAY_PAIRS[1];
    const items = await completeAt(`${pair.src}=(a)\npost|`);
    const dst = items.find((i) => i.label === pair.dst);
    assert.deepEqual(dst?.textEdit, {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
      newText: `${pair.dst}=(\${1})`,
    });
    assert.ok(!labels(items).includes(pair.src));
    const img = (await completeAt('|')).find((i) => i.label === 'img_name');
    assert.equal(img?.textEdit?.newText, `img_name=\${1:myimage}\${2|${IMAGE_SUFFIXES.map((s) => s.suffix).join(',')}|}`);
  });

  it('inside a function at command position: the user functions, not the contract names', async () => {
    const items = await completeAt('# sets up\nsetup() { :; }\ndo_install() {\n  se|\n}');
    assert.deepEqual(items, [
      {
        label: 'setup',
        kind: 3,
        detail: 'function, line 2',
        documentation: { kind: 'markdown', value: 'sets up' },
        textEdit: { range: { start: { line: 3, character: 2 }, end: { line: 3, character: 4 } }, newText: 'setup' },
        sortText: '1_setup',
      },
    ]);
    assert.deepEqual(labels(await completeAt('setup() { :; }\ndo_install() {\n  true && |\n}')), ['setup']);
    assert.deepEqual(labels(await completeAt('setup() { :; }\ndo_install() {\n  x=$(se|)\n}')), ['setup']);
  });

  it('nothing in comments, after an escaped \\$, in arguments and heredocs', async () => {
    assert.deepEqual(await completeAt('# $|'), []);
    assert.deepEqual(await completeAt('x=1\necho "\\$|"'), []);
    assert.deepEqual(await completeAt('setup() { :; }\ndo_install() {\n  echo se|\n}'), []);
    assert.deepEqual(await completeAt('setup() { :; }\ncat <<EOF\nfirst line\nse|\nEOF'), []);
  });
});
