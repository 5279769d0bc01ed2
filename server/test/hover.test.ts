/**
 * Hover over the real protocol (bundled server): contract names explain
 * themselves from shared/contract.ts, user functions and variables show their
 * definition line and comment, file array elements their paired element.
 * Needs `node scripts/bundle.mjs`.
 */
import assert from 'node:assert/strict';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { findHook, findProvided, findVariable, NON_HOOKS, PLACE_DOCS, STAGE_SPECS } from '../../shared/contract';
import { positionOf, rangeOf } from './support/cursor';
import { serverForSuite } from './support/suite';

const TEXT = [
  '#!/bin/bash',
  'img_name=debian.tar.zst',
  '',
  '# the mirror to install from',
  'mirror=http://deb.debian.org/debian',
  'postinstall_files_src=(files/hostname "files/motd" files/extra)',
  'postinstall_files_dst=(etc/hostname /etc/motd)',
  '',
  '# writes the hostname',
  '# (used by both hooks)',
  'set_name() {',
  '    local name=$1',
  '    echo "$name" > "$img_dir/etc/hostname"',
  '}',
  '',
  'do_install()',
  '{',
  '    debootstrap bookworm "$img_dir" "$mirror"',
  '    set_name box',
  '}',
  '',
  'do_postinstall()',
  '{',
  '    set_name box',
  '}',
  '',
].join('\n');

describe('hover (textDocument/hover)', function () {
  this.timeout(20_000);
  const uri = 'file:///nonexistent-makeimg-test/hover/image.sh';
  const session = serverForSuite({}, { uri, text: TEXT });

  async function hoverAt(needle: string, offset = 0, occurrence = 1): Promise<Hover | null> {
    return session.client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: positionOf(TEXT, needle, offset, occurrence),
    });
  }
  const markdown = (hover: Hover | null): string => {
    assert.ok(hover, 'expected a hover');
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    return (hover.contents as MarkupContent).value;
  };

  it("img_name: contract doc, stage, the verdict on this file's suffix, and the example", async () => {
    const spec = findVariable('img_name');
    assert.ok(spec);
    const hover = await hoverAt('img_name', 3);
    assert.deepEqual(hover?.range, rangeOf(TEXT, 'img_name'));
    assert.equal(
      markdown(hover),
      [
        `**img_name** (makeimg variable): ${spec.summary}`,
        spec.doc,
        '**This image:** `debian.tar.zst` is a zstd-compressed tar archive (multi-threaded).',
        `**Stage:** Archive (5 of 5). ${STAGE_SPECS.archive.doc}`,
        '```sh\n' + spec.example + '\n```',
      ].join('\n\n'),
    );
  });

  it('a hook: what it does, its stage, where it runs, a skeleton example and the definition line', async () => {
    const spec = findHook('do_postinstall');
    assert.ok(spec);
    const hover = await hoverAt('do_postinstall()', 2);
    assert.deepEqual(hover?.range, rangeOf(TEXT, 'do_postinstall'));
    assert.equal(
      markdown(hover),
      [
        `**do_postinstall()** (makeimg hook): ${spec.summary}`,
        spec.doc,
        `**Stage:** Postinstall (4 of 5). ${STAGE_SPECS.postinstall.doc}`,
        `**Runs:** ${PLACE_DOCS.rootfs.title}.`,
        '```sh\ndo_postinstall()\n{\n    ' + spec.skeleton[0] + '\n}\n```',
        'Defined on line 22',
      ].join('\n\n'),
    );
  });

  it('a stage array: contract doc with its stage', async () => {
    const spec = findVariable('postinstall_files_dst');
    assert.ok(spec);
    const value = markdown(await hoverAt('postinstall_files_dst', 0));
    assert.ok(
      value.startsWith(`**postinstall_files_dst** (makeimg array): ${spec.summary}\n\n${spec.doc}\n\n**Stage:** Postinstall (4 of 5).`),
      value,
    );
  });

  it('$img_dir in do_install: provided, where it exists, and an example', async () => {
    const spec = findProvided('img_dir');
    assert.ok(spec?.example);
    const hover = await hoverAt('"$img_dir" "$mirror"', 3);
    assert.deepEqual(hover?.range, rangeOf(TEXT, '"$img_dir" "$mirror"', 1, 'img_dir'));
    assert.equal(
      markdown(hover),
      [
        `**$img_dir**: ${spec.summary} (set by makeimg)`,
        spec.doc,
        `**Available:** confined host (\`do_install()\`). **Not available** in \`do_postinstall()\`, which runs inside the new rootfs.`,
        '```sh\n' + spec.example + '\n```',
      ].join('\n\n'),
    );
  });

  it('$img_dir in a function do_postinstall calls: warns that it is empty there', async () => {
    const value = markdown(await hoverAt('$img_dir/etc', 2));
    assert.ok(
      value.includes(
        '**Warning:** this use is in `set_name()` (called from `do_postinstall()`), which runs inside the new rootfs: $img_dir is empty there.',
      ),
      value,
    );
  });

  it('a user function: definition line, the comment above, and where it runs', async () => {
    const hover = await hoverAt('set_name box', 2, 2);
    assert.deepEqual(hover?.range, rangeOf(TEXT, 'set_name box', 2, 'set_name'));
    assert.equal(
      markdown(hover),
      [
        '```sh\nset_name() {\n```',
        'writes the hostname  \n(used by both hooks)',
        'Defined on line 11',
        '**Runs:** confined host (do_install -> set_name)  \n**Runs:** inside the new rootfs (do_postinstall -> set_name)',
      ].join('\n\n'),
    );
  });

  it('a user variable: definition line and comment', async () => {
    const hover = await hoverAt('$mirror', 2);
    assert.deepEqual(hover?.range, rangeOf(TEXT, '$mirror', 1, 'mirror'));
    assert.equal(
      markdown(hover),
      ['```sh\nmirror=http://deb.debian.org/debian\n```', 'the mirror to install from', 'Assigned on line 5'].join('\n\n'),
    );
  });

  it('a local variable: its local declaration', async () => {
    const hover = await hoverAt('"$name"', 3);
    assert.equal(markdown(hover), ['```sh\nlocal name=$1\n```', 'Assigned on line 12, local to `set_name()`'].join('\n\n'));
  });

  it('a *_files_src element: its destination', async () => {
    const hover = await hoverAt('"files/motd"', 3);
    assert.deepEqual(hover?.range, rangeOf(TEXT, '"files/motd"'));
    assert.equal(
      markdown(hover),
      [
        '**postinstall_files_src[1]**: `$src_dir/files/motd` (`"files/motd"`)',
        'Copied to `$img_dir/etc/motd` (`postinstall_files_dst[1]`, line 7) in the postinstall stage.',
      ].join('\n\n'),
    );
  });

  it('a *_files_dst element: its source', async () => {
    const hover = await hoverAt('(etc/hostname', 1);
    assert.equal(
      markdown(hover),
      [
        '**postinstall_files_dst[0]**: `$img_dir/etc/hostname`',
        'Copied from `$src_dir/files/hostname` (`postinstall_files_src[0]`, line 6) in the postinstall stage.',
      ].join('\n\n'),
    );
  });

  it('an unpaired source: says it has no destination', async () => {
    const value = markdown(await hoverAt('files/extra', 1));
    assert.equal(
      value,
      [
        '**postinstall_files_src[2]**: `$src_dir/files/extra`',
        '**No destination:** `postinstall_files_dst` (line 7) has only 2 elements.',
      ].join('\n\n'),
    );
  });

  it('a function named like a hook makeimg never runs: says why', async () => {
    const other = 'file:///nonexistent-makeimg-test/hover-nonhook/image.sh';
    session.client.open(other, 'do_preinstall() {\n  :\n}\n');
    const hover = await session.client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: other },
      position: { line: 0, character: 3 },
    });
    assert.equal(
      markdown(hover),
      ['```sh\ndo_preinstall() {\n```', `**Not a makeimg hook:** ${NON_HOOKS[0].reason}`, 'Defined on line 1'].join('\n\n'),
    );
  });

  it('positions and ranges follow LSP lines when the text has a lone carriage return', async () => {
    const crUri = 'file:///nonexistent-makeimg-test/hover-cr/image.sh';
    // LSP counts the lone \r as a line break (4 lines); bash and the facts do not (3 lines).
    session.client.open(crUri, 'a=1\rb=2\n# greets\ngreet() { :; }\ngreet');
    const hover = await session.client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: crUri },
      position: { line: 4, character: 2 },
    });
    assert.deepEqual(hover?.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } });
    assert.equal(markdown(hover), ['```sh\ngreet() { :; }\n```', 'greets', 'Defined on line 3'].join('\n\n'));
  });

  it('nothing on plain words, commands and whitespace', async () => {
    assert.equal(await hoverAt('debootstrap', 2), null);
    assert.equal(await hoverAt('bookworm', 2), null);
    assert.equal(
      await session.client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 0 } }),
      null,
    );
  });
});
