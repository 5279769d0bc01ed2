/**
 * The grammar and snippets: generated from the contract and committed up to
 * date; snippet bodies are well-formed; and, with VS Code's own TextMate
 * engine and shell grammar, image.sh keeps shell highlighting while
 * makeimg's names get their scopes.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_ARRAY_PAIRS, HOOKS, IMAGE_SUFFIXES, PROVIDED_VARIABLES, VARIABLES } from '../../shared/contract';
import { escapeSnippet } from '../../shared/snippet-syntax';
import { GENERATED_FILES, renderGenerated } from '../src/language/generate';
import { GRAMMAR_SCOPE, SCOPES } from '../src/language/grammar';
import { makeimgSnippets } from '../src/language/snippets';
import { loadTokenizer, vscodeDirectory, type Tokenizer } from './support/vscode-textmate';

const ROOT = join(__dirname, '..', '..');
const GRAMMAR_FILE = join(ROOT, 'syntaxes', 'makeimg.tmLanguage.json');

/** Checks the snippet syntax VS Code parses: `$n`, `${n}`, `${n:text}`, `${n|a,b|}`, escapes. */
function snippetProblems(body: string): string[] {
  const problems: string[] = [];
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '$') {
      const rest = body.slice(i + 1);
      if (/^\d/.test(rest)) continue;
      if (/^\{\d+\|[^|]*\|\}/.test(rest)) {
        i += rest.indexOf('|}') + 2;
        continue;
      }
      if (/^\{\d+(:|\})/.test(rest)) {
        if (/^\{\d+:/.test(rest)) depth++;
        continue;
      }
      problems.push(`unescaped $ at ${i}: ${body.slice(i, i + 20)}`);
    }
    if (c === '}' && depth > 0) depth--;
  }
  if (depth !== 0) problems.push('unbalanced placeholder');
  return problems;
}

describe('client language files', () => {
  it('are generated from the contract and committed up to date (scripts/gen-language-files)', () => {
    for (const [path, make] of Object.entries(GENERATED_FILES)) {
      assert.equal(readFileSync(join(ROOT, path), 'utf8'), renderGenerated(make), `${path} is stale: run scripts/gen-language-files`);
    }
  });

  it('the grammar embeds source.shell and names every contract name', () => {
    const text = readFileSync(GRAMMAR_FILE, 'utf8');
    const grammar = JSON.parse(text);
    assert.equal(grammar.scopeName, GRAMMAR_SCOPE);
    assert.deepEqual(grammar.patterns, [{ include: 'source.shell' }]);
    const names = [
      ...VARIABLES.map((v) => v.name),
      ...HOOKS.map((h) => h.name),
      ...PROVIDED_VARIABLES.map((v) => v.name),
      ...FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst]),
    ];
    for (const name of names) assert.ok(text.includes(name), `${name} is not in the grammar`);
  });

  it('snippets are well-formed: the skeleton, with img_name (every suffix), hooks and array pairs', () => {
    const snippets = makeimgSnippets();
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.deepEqual(snippetProblems(snippet.body.join('\n')), [], name);
    }
    const skeleton = snippets['image.sh skeleton']!.body.join('\n');
    for (const name of [...HOOKS.map((h) => h.name), ...FILE_ARRAY_PAIRS.flatMap((p) => [p.src, p.dst])]) {
      assert.ok(skeleton.includes(`${name}`), `the skeleton lacks ${name}`);
    }
    for (const s of IMAGE_SUFFIXES) assert.ok(skeleton.includes(s.suffix), s.suffix);
    // img_name, the hooks and the arrays come from the server's completion: no static snippet repeats one (issue 12 §5).
    const prefixes = Object.values(snippets).flatMap((s) => s.prefix);
    for (const name of [
      ...VARIABLES.map((v) => v.name),
      ...HOOKS.map((h) => h.name),
      ...FILE_ARRAY_PAIRS.map((p) => p.src.replace(/_src$/, '')),
    ]) {
      assert.ok(!prefixes.includes(name), `a static snippet duplicates the server's ${name}`);
    }
    assert.equal(escapeSnippet('"$img_dir"/{a,b}'), '"\\$img_dir"/{a,b\\}');
  });

  describe('tokenized by VS Code 1.96 (vscode-textmate + its shell grammar)', function () {
    let tokenizer: Tokenizer;
    const scopesOf = (lines: string[], lineNo: number, text: string): string[] => {
      const token = tokenizer.tokenize(lines)[lineNo]!.find(([t]) => t === text);
      assert.ok(token, `no token "${text}" on line ${lineNo}`);
      return token[1];
    };

    before(async function () {
      const dir = vscodeDirectory();
      // A missing engine fails rather than skipping: scripts/test-all caches code-server first.
      if (!dir) throw new Error("no cached code-server: run scripts/setup-code-server (it provides VS Code's TextMate engine)");
      tokenizer = await loadTokenizer(dir, GRAMMAR_FILE, GRAMMAR_SCOPE);
    });

    const sample = [
      'img_name=tiny.tar.gz', // 0
      'preinstall_files_src=(files/motd "$x")', // 1
      'do_install()', // 2
      '{', // 3
      '    mkdir -p "$img_dir/etc" ${src_dir}', // 4
      "    echo '$img_dir' # $img_path", // 5
      '    echo ${#preinstall_files_src[@]} $img_dirx', // 6
      '}', // 7
      'function do_postinstall { systemctl enable x; }', // 8
      'x=1; img_name="a-$x.tar"', // 9
    ];

    it('marks assignments of contract variables and keeps shell scopes for their values', () => {
      const img = scopesOf(sample, 0, 'img_name');
      assert.ok(img.includes(SCOPES.contractAssignment.split(' ')[1]!) && img.includes('variable.other.assignment.shell'));
      assert.ok(scopesOf(sample, 0, '=').includes('keyword.operator.assignment.shell'));
      assert.ok(scopesOf(sample, 1, '(').includes('punctuation.definition.array.shell'));
      assert.ok(scopesOf(sample, 1, 'files/motd').includes('string.unquoted.shell'));
      assert.ok(scopesOf(sample, 1, 'x').includes('variable.other.normal.shell'), 'shell variables inside the array');
      assert.ok(scopesOf(sample, 9, 'img_name').includes(SCOPES.contractVariable), 'after a ;');
    });

    it('marks hook definitions and provided variables, not in single quotes or comments', () => {
      assert.ok(scopesOf(sample, 2, 'do_install').includes('entity.name.function.hook.makeimg'));
      assert.ok(scopesOf(sample, 8, 'do_postinstall').includes('entity.name.function.hook.makeimg'));
      assert.ok(scopesOf(sample, 4, 'img_dir').includes(SCOPES.providedVariable));
      assert.ok(scopesOf(sample, 4, 'src_dir').includes(SCOPES.providedVariable));
      assert.ok(scopesOf(sample, 5, '$img_dir').includes('string.quoted.single.shell'));
      const comment = tokenizer.tokenize(sample)[5]!.filter(([, s]) => s.some((x) => x.startsWith('comment')));
      assert.ok(comment.every(([, s]) => !s.includes(SCOPES.providedVariable)));
      assert.ok(scopesOf(sample, 6, 'preinstall_files_src').includes(SCOPES.contractVariable));
      assert.ok(!scopesOf(sample, 6, 'img_dirx').includes(SCOPES.providedVariable), 'whole names only');
    });

    it('leaves ordinary shell highlighting alone', () => {
      assert.ok(scopesOf(sample, 4, 'mkdir').includes('entity.name.command.shell'));
      assert.ok(scopesOf(sample, 8, 'function').includes('storage.type.function.shell'));
    });
  });
});
