/** textDocument/formatting and rangeFormatting over stdio: shfmt's rules, minimal edits, settings, .editorconfig, syntax errors. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentFormattingRequest, DocumentRangeFormattingRequest, MessageType, type TextEdit } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SERVER_SETTINGS } from '../../shared/ids-and-settings';
import { applyTextEdits } from './support/edits';
import { delay } from './support/lsp-client';
import { serverForSuite } from './support/suite';

const MESSY = `img_name=demo.tar.gz

# Installs the rootfs.
do_install()
{
if true; then
  echo  hi>"$img_dir/x"
fi
    case $1 in
  a) echo a;;
    esac
}

do_postinstall() {
    echo done
}
`;

const FORMATTED_4 = `img_name=demo.tar.gz

# Installs the rootfs.
do_install() {
    if true; then
        echo hi >"$img_dir/x"
    fi
    case $1 in
    a) echo a ;;
    esac
}

do_postinstall() {
    echo done
}
`;

describe('formatting (protocol)', function () {
  this.timeout(30_000);
  const settings = { ...DEFAULT_SERVER_SETTINGS, format: { ...DEFAULT_SERVER_SETTINGS.format } };
  const session = serverForSuite({ settings });
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'makeimg-format-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  let counter = 0;
  function openDocument(text: string, directory = join(dir, `p${counter++}`)): string {
    const uri = pathToFileURL(join(directory, 'image.sh')).href;
    session.client.open(uri, text);
    return uri;
  }

  function format(uri: string, tabSize = 4, insertSpaces = true): Promise<TextEdit[] | null> {
    return session.client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize, insertSpaces },
    });
  }

  it('formats with shfmt rules and the editor indentation, in small edits that leave untouched lines alone', async () => {
    const uri = openDocument(MESSY);
    const edits = await format(uri);
    assert.ok(edits);
    assert.equal(applyTextEdits(MESSY, edits), FORMATTED_4);
    // Not one whole-file replacement: one edit per changed line (two for the joined `do_install()` + `{`), and lines shfmt keeps are not touched.
    assert.ok(edits.length > 3, JSON.stringify(edits));
    for (const e of edits) assert.ok(e.range.end.line - e.range.start.line <= (e.range.start.line === 3 ? 1 : 0), JSON.stringify(e));
    const touched = new Set(edits.map((e) => e.range.start.line));
    for (const keptLine of [0, 1, 2, 12, 13, 14, 15]) assert.ok(!touched.has(keptLine), `line ${keptLine} was edited`);
    // Formatting again changes nothing.
    const again = openDocument(FORMATTED_4);
    assert.deepEqual(await format(again), []);
  });

  it('uses tabs when the editor does', async () => {
    const uri = openDocument('f() {\n    echo a\n}\n');
    assert.equal(applyTextEdits('f() {\n    echo a\n}\n', (await format(uri, 4, false)) ?? []), 'f() {\n\techo a\n}\n');
  });

  it('honours makeimg.format.* settings', async () => {
    settings.format.switchCaseIndent = true;
    settings.format.spaceRedirects = true;
    session.client.changeSettings(settings);
    try {
      const text = 'f() {\ncase $1 in\na) echo>x;;\nesac\n}\n';
      const uri = openDocument(text);
      assert.equal(applyTextEdits(text, (await format(uri, 2)) ?? []), 'f() {\n  case $1 in\n    a) echo > x ;;\n  esac\n}\n');
    } finally {
      settings.format.switchCaseIndent = false;
      settings.format.spaceRedirects = false;
      session.client.changeSettings(settings);
    }
  });

  it('lets the .editorconfig of the image.sh directory win over the editor and the settings', async () => {
    const project = join(dir, 'with-editorconfig');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(project);
    writeFileSync(
      join(project, '.editorconfig'),
      'root = true\n[image.sh]\nindent_style = space\nindent_size = 3\nbinary_next_line = true\n',
    );
    const text = 'f() {\necho a |\ngrep a\n}\n';
    const uri = openDocument(text, project);
    assert.equal(applyTextEdits(text, (await format(uri, 8, false)) ?? []), 'f() {\n   echo a \\\n      | grep a\n}\n');
  });

  it('rangeFormatting changes only the selected lines', async () => {
    const uri = openDocument(MESSY);
    const edits = await session.client.connection.sendRequest(DocumentRangeFormattingRequest.type, {
      textDocument: { uri },
      range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.ok(edits && edits.length > 0);
    for (const e of edits) assert.equal(e.range.start.line, 6, JSON.stringify(e));
    const lines = applyTextEdits(MESSY, edits).split('\n');
    assert.equal(lines[6], '        echo hi >"$img_dir/x"');
    assert.deepEqual([lines[5], lines[7], lines[8]], ['if true; then', 'fi', '    case $1 in']);
  });

  it('a syntax error: no edits, and a message that says where and why', async () => {
    const broken = 'do_install() {\n  echo "unclosed\n}\n';
    const uri = openDocument(broken);
    const before = session.client.messages.length;
    assert.equal(await format(uri), null);
    for (let i = 0; i < 100 && session.client.messages.length === before; i++) await delay(20);
    const [shown] = session.client.messages.slice(before);
    assert.equal(shown?.type, MessageType.Warning);
    assert.match(
      shown.message,
      /^image\.sh was not formatted: it has a syntax error on line 2, column 8: reached EOF without closing quote/,
    );
  });
});
