/**
 * Quick fixes over the real protocol (bundled server): every fixable
 * diagnostic gets a fix; the fix is applied as an editor would, sent back as
 * an edit, and the re-check no longer reports the diagnostic.
 * Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { findHook, findVariable } from '../../shared/contract';
import { applyTextEdits, textEditsFor } from './support/edits';
import { serverForSuite } from './support/suite';

// A directory that does not exist: the file rules stay silent, as for an unsaved document.
const BASE = 'file:///nonexistent-makeimg-test/quickfix';
const SKELETON = findHook('do_install')?.skeleton ?? [];
const IMG_NAME_EXAMPLE = findVariable('img_name')?.example ?? '';

describe('quick fixes (textDocument/codeAction)', function () {
  this.timeout(20_000);
  let counter = 0;
  const session = serverForSuite({ settings: { shellcheck: { enable: false, path: '' } } });

  async function open(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = `${BASE}/${++counter}/image.sh`;
    const since = session.client.published.length;
    session.client.open(uri, text, 1);
    const { diagnostics } = await session.client.publishMatching(uri, (p) => p.version === 1, since);
    return { uri, diagnostics };
  }

  /** The code actions that fix something ("Disable CODE for this line/file" are tested on their own, in silencing.test.ts). */
  async function actionsFor(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    return (await allActionsFor(uri, diagnostics)).filter((a) => !/^Disable \S+ for this (line|file)$/.test(a.title));
  }

  function allActionsFor(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    return session.client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostics[0].range,
      context: { diagnostics },
    }) as Promise<CodeAction[]>;
  }

  /** Open `text`, take the only quick fix for the `code` diagnostics, apply it, and return the new text and diagnostics. */
  async function fix(text: string, code: string) {
    const { uri, diagnostics } = await open(text);
    const targets = diagnostics.filter((d) => d.code === code);
    assert.ok(targets.length > 0, `expected a ${code} diagnostic, got ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    const actions = await actionsFor(uri, targets);
    assert.equal(actions.length, 1, JSON.stringify(actions));
    const [action] = actions;
    assert.equal(action.kind, 'quickfix');
    const fixed = applyTextEdits(text, textEditsFor(action.edit, uri));
    const since = session.client.published.length;
    session.client.change(uri, 2, [{ text: fixed }]);
    const after = await session.client.publishMatching(uri, (p) => p.version === 2, since);
    return { action, fixed, after: after.diagnostics.filter((d) => d.source === 'makeimg') };
  }

  it('MKIMG001: inserts img_name below the file header, above the first statement and its comment', async () => {
    const text = [
      '#!/bin/bash',
      '# Debian image',
      '',
      '# the mirror',
      'mirror=http://deb.debian.org/debian',
      '',
      'do_install() {',
      '  debootstrap bookworm "$img_dir" "$mirror"',
      '}',
      '',
    ].join('\n');
    const { action, fixed, after } = await fix(text, 'MKIMG001');
    assert.equal(action.title, `Add ${IMG_NAME_EXAMPLE}`);
    assert.equal(fixed, text.replace('# the mirror', `${IMG_NAME_EXAMPLE}\n\n# the mirror`));
    assert.deepEqual(after, []);
  });

  it("MKIMG003: inserts a do_install skeleton before do_postinstall, in the file's tab indentation and brace style", async () => {
    const text = ['img_name=a.tar', '', '# enable things', 'do_postinstall()', '{', '\tsystemctl enable foo', '}', ''].join('\n');
    const { action, fixed, after } = await fix(text, 'MKIMG003');
    assert.equal(action.title, 'Add a do_install() skeleton');
    const skeleton = ['do_install()', '{', ...SKELETON.map((l) => `\t${l}`), '}', '', ''].join('\n');
    assert.equal(fixed, text.replace('# enable things', `${skeleton}# enable things`));
    assert.deepEqual(after, []);
  });

  it('MKIMG003: appends the skeleton at the end, with two-space indentation taken from the file', async () => {
    const text = 'img_name=a.tar\nif true; then\n  x=1\nfi';
    const { fixed, after } = await fix(text, 'MKIMG003');
    assert.equal(fixed, `${text}\n\ndo_install() {\n${SKELETON.map((l) => `  ${l}`).join('\n')}\n}\n`);
    assert.deepEqual(after, []);
  });

  it('MKIMG008: renames a misspelled hook (and do_install is then defined)', async () => {
    const text = 'img_name=a.tar\ndo_instal() {\n    true\n}\n';
    const { action, fixed, after } = await fix(text, 'MKIMG008');
    assert.equal(action.title, 'Rename "do_instal" to "do_install"');
    assert.equal(fixed, text.replace('do_instal()', 'do_install()'));
    assert.deepEqual(after, []);
  });

  it('MKIMG008: renames a misspelled variable (and img_name is then set)', async () => {
    const text = 'img_nmae=base.tar.gz\ndo_install() { :; }\n';
    const { fixed, after } = await fix(text, 'MKIMG008');
    assert.equal(fixed, text.replace('img_nmae', 'img_name'));
    assert.deepEqual(after, []);
  });

  it('prefers renaming a misspelled img_name over adding another one', async () => {
    const text = 'img_nmae=base.tar.gz\ndo_install() { :; }\n';
    const { uri, diagnostics } = await open(text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['MKIMG001', 'MKIMG008'],
    );
    const actions = await actionsFor(uri, diagnostics);
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        [`Add ${IMG_NAME_EXAMPLE}`, false],
        ['Rename "img_nmae" to "img_name"', true],
      ],
    );
  });

  it('MKIMG008: a misspelled provided variable is renamed at every use at once', async () => {
    const text = 'img_name=a.tar\ndo_install() {\n    mkdir "$img_dri/x"\n    touch "${img_dri}/y"\n}\n';
    const { uri, diagnostics } = await open(text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['MKIMG008', 'MKIMG008'],
    );
    const actions = await actionsFor(uri, [diagnostics[0]]);
    assert.equal(actions[0].title, 'Rename "img_dri" to "img_dir"');
    assert.equal(applyTextEdits(text, textEditsFor(actions[0].edit, uri)), text.replaceAll('img_dri', 'img_dir'));
  });

  it('MKIMG005: adds the missing destinations array after its partner, one placeholder per source', async () => {
    const text = 'img_name=a.tar\npostinstall_files_src=(files/a files/b) # copied late\ndo_install() { :; }\n';
    const { action, fixed, after } = await fix(text, 'MKIMG005');
    assert.equal(action.title, 'Add postinstall_files_dst with 2 placeholder entries');
    // Placeholders that show and stay reported until edited (MKIMG018), never "" (= copy to /).
    assert.equal(fixed, text.replace('# copied late\n', '# copied late\npostinstall_files_dst=(/CHANGE-ME/a /CHANGE-ME/b)\n'));
    assert.deepEqual(
      after.map((d) => d.code),
      ['MKIMG018', 'MKIMG018'],
    );
  });

  it('MKIMG005: keeps the indentation of the partner inside a block', async () => {
    const text = 'img_name=a.tar\nif [ -n "$X" ]; then\n    preinstall_files_src=(a)\nfi\ndo_install() { :; }\n';
    const { fixed, after } = await fix(text, 'MKIMG005');
    assert.equal(fixed, text.replace('(a)\n', '(a)\n    preinstall_files_dst=(/CHANGE-ME/a)\n'));
    assert.deepEqual(
      after.map((d) => d.code),
      ['MKIMG018'],
    );
  });

  it("MKIMG004: appends placeholder destinations in the array's own layout; both diagnostics share the fix", async () => {
    const text = 'img_name=a.tar\npreinstall_files_src=(a b c)\npreinstall_files_dst=(\n    etc/a\n)\ndo_install() { :; }\n';
    const { uri, diagnostics } = await open(text);
    const mismatch = diagnostics.filter((d) => d.code === 'MKIMG004');
    assert.equal(mismatch.length, 2);
    const actions = await actionsFor(uri, mismatch);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, 'Append 2 placeholder destinations to preinstall_files_dst');
    assert.equal(actions[0].diagnostics?.length, 2);
    const { fixed, after } = await fix(text, 'MKIMG004');
    assert.equal(fixed, text.replace('    etc/a\n', '    etc/a\n    /CHANGE-ME/b\n    /CHANGE-ME/c\n'));
    assert.deepEqual(
      after.map((d) => d.code),
      ['MKIMG018', 'MKIMG018'],
    );
  });

  it('MKIMG004: more destinations than sources appends placeholder sources inline', async () => {
    const text = 'img_name=a.tar\npreinstall_files_src=(a)\npreinstall_files_dst=(etc/a etc/b)\ndo_install() { :; }\n';
    const { action, fixed, after } = await fix(text, 'MKIMG004');
    assert.equal(action.title, 'Append 1 placeholder source to preinstall_files_src');
    assert.equal(fixed, text.replace('=(a)', '=(a CHANGE-ME)'));
    assert.deepEqual(after, []);
  });

  it('MKIMG002: replaces an unsupported suffix', async () => {
    const text = 'img_name="image.tgz"\ndo_install() { :; }\n';
    const { action, fixed, after } = await fix(text, 'MKIMG002');
    assert.equal(action.title, 'Replace ".tgz" with ".tar.gz"');
    assert.equal(fixed, text.replace('.tgz', '.tar.gz'));
    assert.deepEqual(after, []);
  });

  it('MKIMG006: turns a string into an array', async () => {
    const text = 'img_name=a.tar\npreinstall_files_src="a b"\npreinstall_files_dst=(etc/a etc/b)\ndo_install() { :; }\n';
    const { action, fixed, after } = await fix(text, 'MKIMG006');
    assert.equal(action.title, 'Write as an array: (a b)');
    assert.equal(fixed, text.replace('"a b"', '(a b)'));
    assert.deepEqual(after, []);
  });

  it('MKIMG010: renames an assignment to a provided variable', async () => {
    const text = 'img_name=a.tar\nimg_dir=/tmp/x\ndo_install() { :; }\n';
    const { fixed, after } = await fix(text, 'MKIMG010');
    assert.equal(fixed, text.replace('img_dir=', 'my_img_dir='));
    assert.deepEqual(after, []);
  });

  it("MKIMG022: defines the original makeimg's helper above the first statement; the call then stands", async () => {
    const text = '#!/bin/bash\nimg_name=a.tar\ndo_install() {\n    info "installing"\n    mkdir -p "$img_dir/etc"\n}\n';
    const { action, fixed, after } = await fix(text, 'MKIMG022');
    assert.equal(action.title, "Define info in image.sh (the original makeimg's helper)");
    assert.equal(fixed, text.replace('img_name=a.tar', 'info() { echo "==> $*"; }\n\nimg_name=a.tar'));
    assert.deepEqual(after, []);
  });

  it('MKIMG023: replaces $img_dir_base with ${img_path%/*}, and offers nothing when img_name has a directory', async () => {
    const text = 'img_name=a.tar\ndo_install() {\n    echo "into $img_dir_base"\n}\n';
    const { fixed, after } = await fix(text, 'MKIMG023');
    assert.equal(fixed, text.replace('$img_dir_base', '${img_path%/*}'));
    assert.deepEqual(after, []);
    const nested = await open('img_name=sub/a.tar\ndo_install() {\n    echo "into $img_dir_base"\n}\n');
    const targets = nested.diagnostics.filter((d) => d.code === 'MKIMG023');
    assert.equal(targets.length, 1);
    assert.deepEqual(await actionsFor(nested.uri, targets), []);
  });

  it('gives no fix for a diagnostic of an older version (the text moved since)', async () => {
    const text = 'img_name=image.tgz\ndo_install() { :; }\n';
    const { uri, diagnostics } = await open(text);
    const stale = diagnostics.filter((d) => d.code === 'MKIMG002');
    const since = session.client.published.length;
    session.client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# moved\n' }]);
    await session.client.publishMatching(uri, (p) => p.version === 2, since);
    assert.deepEqual(await allActionsFor(uri, stale), []);
  });

  it('gives no fix where none is clear (do_postinstall using $img_dir)', async () => {
    const text = 'img_name=a.tar\ndo_install() { :; }\ndo_postinstall() {\n    ls "$img_dir"\n}\n';
    const { uri, diagnostics } = await open(text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['MKIMG009'],
    );
    assert.deepEqual(await actionsFor(uri, diagnostics), []);
  });
});
