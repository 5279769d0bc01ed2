/**
 * shfmt, compiled to WebAssembly (the `sh-syntax` package): no binary to
 * install. The module is compiled once per process; sh-syntax runs each call
 * in a fresh instance (its Go runtime cannot be reused safely).
 */
import { readFileSync } from 'node:fs';
import { getProcessor, LangVariant, ParseError } from 'sh-syntax';
import { locateWasm } from '../wasm-files';

// The Go runtime (globalThis.Go) sh-syntax needs. A require, not an import: the
// package marks this file side-effect free, so a bundler would drop an import.
require('sh-syntax/vendors/wasm_exec.cjs');

/** shfmt's printer options (its flags -i, -bn, -ci, -sr, -fn, -s). Defaults are shfmt's. */
export interface ShfmtOptions {
  /** Spaces per indentation level; 0 indents with tabs. */
  indent: number;
  binaryNextLine: boolean;
  switchCaseIndent: boolean;
  spaceRedirects: boolean;
  functionNextLine: boolean;
  simplify: boolean;
}

export const SHFMT_DEFAULTS: ShfmtOptions = {
  indent: 0,
  binaryNextLine: false,
  switchCaseIndent: false,
  spaceRedirects: false,
  functionNextLine: false,
  simplify: false,
};

/** Where shfmt stopped parsing: zero-based line, UTF-16 column, shfmt's own words. */
export interface ShfmtSyntaxError {
  line: number;
  character: number;
  message: string;
}

export type ShfmtResult = { ok: true; text: string } | { ok: false; error: ShfmtSyntaxError };

type Processor = ReturnType<typeof getProcessor>;
let processorPromise: Promise<Processor> | undefined;

/** Node's WebAssembly global (the ES2022 lib this project compiles against does not declare it). */
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(module: object, imports: object): Promise<object> };
};

async function loadProcessor(): Promise<Processor> {
  const module = await wasm.compile(readFileSync(locateWasm('sh-syntax.wasm', 'sh-syntax/main.wasm')));
  return getProcessor(((imports: object) => wasm.instantiate(module, imports)) as Parameters<typeof getProcessor>[0]);
}

/** Compile the module ahead of the first format (it takes tens of ms). */
export function warmUpShfmt(): Promise<void> {
  processorPromise ??= loadProcessor();
  return processorPromise.then(() => undefined);
}

/** Format a bash text as shfmt would; a syntax error returns where and why instead. */
export async function shfmt(text: string, options: ShfmtOptions): Promise<ShfmtResult> {
  processorPromise ??= loadProcessor();
  const processor = await processorPromise;
  try {
    const formatted = await processor(text, {
      print: true,
      variant: LangVariant.LangBash,
      keepComments: true,
      filepath: 'image.sh',
      // sh-syntax's own defaults differ from shfmt's: pass every option.
      indent: options.indent,
      useTabs: options.indent === 0,
      binaryNextLine: options.binaryNextLine,
      switchCaseIndent: options.switchCaseIndent,
      spaceRedirects: options.spaceRedirects,
      functionNextLine: options.functionNextLine,
      simplify: options.simplify,
      keepPadding: false,
      minify: false,
      singleLine: false,
    });
    return { ok: true, text: formatted };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: syntaxErrorOf(text, error) };
    if (error instanceof SyntaxError) return { ok: false, error: { line: 0, character: 0, message: error.message } };
    throw error;
  }
}

/** shfmt counts UTF-8 bytes; convert its offset to a line and a UTF-16 column. */
function syntaxErrorOf(text: string, error: ParseError): ShfmtSyntaxError {
  const message = error.Text || error.message;
  if (!error.Pos) return { line: 0, character: 0, message };
  const before = Buffer.from(text, 'utf8').subarray(0, error.Pos.Offset).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.length === 0 ? 0 : before.split('\n').length - 1;
  return { line, character: before.length - lineStart, message };
}
