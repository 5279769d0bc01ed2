/**
 * VS Code's own TextMate engine and shell grammar, from the code-server that
 * the end-to-end tests cache (scripts/setup-code-server, which knows where).
 * Undefined when that cache is absent; the grammar test then fails and says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Tokenizer {
  /** [text, scopes] per token, line by line. */
  tokenize(lines: string[]): [string, string[]][][];
}

const SETUP_CODE_SERVER = join(__dirname, '..', '..', '..', 'scripts', 'setup-code-server');

export function vscodeDirectory(): string | undefined {
  let bin: string;
  try {
    // --cached: the path of an installed code-server (node_modules/.bin/code-server), never an install.
    bin = execFileSync(SETUP_CODE_SERVER, ['--cached'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
  const dir = join(dirname(bin), '..', 'code-server', 'lib', 'vscode');
  return existsSync(join(dir, 'node_modules', 'vscode-textmate')) ? dir : undefined;
}

interface TextmateModule {
  Registry: new (options: unknown) => {
    loadGrammar(scope: string): Promise<{
      tokenizeLine(
        line: string,
        stack: unknown,
      ): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
    } | null>;
  };
  parseRawGrammar(content: string, path: string): unknown;
  INITIAL: unknown;
}
interface OnigModule {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

export async function loadTokenizer(vscodeDir: string, grammarPath: string, scopeName: string): Promise<Tokenizer> {
  const require = createRequire(join(vscodeDir, 'package.json'));
  const textmate = require('vscode-textmate') as TextmateModule;
  const onig = require('vscode-oniguruma') as OnigModule;
  const wasm = readFileSync(join(vscodeDir, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'source.shell': join(vscodeDir, 'extensions', 'shellscript', 'syntaxes', 'shell-unix-bash.tmLanguage.json'),
    [scopeName]: grammarPath,
  };
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new onig.OnigScanner(patterns),
      createOnigString: (text: string) => new onig.OnigString(text),
    }),
    loadGrammar: async (scope: string) => {
      const file = files[scope];
      return file ? textmate.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) throw new Error(`grammar ${scopeName} did not load`);
  return {
    tokenize(lines) {
      let stack = textmate.INITIAL;
      return lines.map((line) => {
        const result = grammar.tokenizeLine(line, stack);
        stack = result.ruleStack;
        return result.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes] as [string, string[]]);
      });
    },
  };
}
