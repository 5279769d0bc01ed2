/**
 * `makeimg fmt [-w|--check] [shfmt flags] FILE...`: formats image.sh files
 * with the language server's engine (shfmt rules, analysis/src/format), for
 * CI and scripts. Options come from shfmt-style flags, else the file's
 * .editorconfig, else shfmt's defaults (tabs). A file with a syntax error is
 * never written.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatOptionsFor, formatText, SHFMT_DEFAULTS, type FormatSettings } from '../../../analysis/src/format';

export const FMT_USAGE = `usage: makeimg fmt [-w | --check] [-i N] [-bn] [-ci] [-sr] [-fn] [-s] FILE...

Formats image.sh files with shfmt's rules (no shfmt binary needed); "-" reads
standard input. Without -w or --check the formatted text goes to standard output.

  -w, --write         rewrite the files in place (only those that change)
  -c, --check         change nothing; list the files that would change, exit 1 if any
  -i, --indent N      N spaces per level (0: tabs)
  -bn, -ci, -sr, -fn, -s  as shfmt: binary ops start a line, indent case items,
                      space after redirects, function brace on the next line, simplify
Without flags, the file's .editorconfig decides (indent_style, indent_size, binary_next_line,
switch_case_indent, space_redirects, function_next_line, simplify); as in shfmt, any flag
replaces the .editorconfig entirely.

exit status: 0 formatted (or nothing to change), 1 a file would change (--check) or has a
syntax error, 2 bad usage or an unreadable file
`;

type Mode = 'print' | 'write' | 'check';

const FLAGS: Record<string, keyof FormatSettings> = {
  '-bn': 'binaryNextLine',
  '--binary-next-line': 'binaryNextLine',
  '-ci': 'switchCaseIndent',
  '--case-indent': 'switchCaseIndent',
  '-sr': 'spaceRedirects',
  '--space-redirects': 'spaceRedirects',
  '-fn': 'functionNextLine',
  '--func-next-line': 'functionNextLine',
  '-s': 'simplify',
  '--simplify': 'simplify',
};

interface FmtArgs {
  mode: Mode;
  indent?: number;
  flags: Partial<FormatSettings>;
  files: string[];
}

class FmtUsageError extends Error {}

function parseFmtArgs(args: string[]): FmtArgs | 'help' {
  const parsed: FmtArgs = { mode: 'print', flags: {}, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--') {
      parsed.files.push(...args.slice(i + 1));
      break;
    }
    if (a === '-w' || a === '--write') parsed.mode = 'write';
    else if (a === '-c' || a === '--check' || a === '-l' || a === '--list') parsed.mode = 'check';
    else if (a === '-i' || a === '--indent' || a.startsWith('--indent=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (value === undefined || !/^\d+$/.test(value)) throw new FmtUsageError(`${a} needs a number of spaces (0: tabs)`);
      parsed.indent = Number(value);
    } else if (FLAGS[a]) parsed.flags[FLAGS[a]] = true;
    else if (a.startsWith('-') && a !== '-') throw new FmtUsageError(`unknown option ${a}`);
    else parsed.files.push(a);
  }
  if (parsed.files.length === 0) throw new FmtUsageError('no files given');
  if (parsed.mode === 'write' && parsed.files.includes('-')) throw new FmtUsageError('-w cannot write standard input');
  return parsed;
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Replace the file's content through a temporary file in its directory: never a half-written file. */
async function writeInPlace(file: string, text: string): Promise<void> {
  const stats = await fs.stat(file);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.fmt`);
  try {
    await fs.writeFile(temporary, text, { mode: stats.mode & 0o7777, flag: 'wx' });
    await fs.chown(temporary, stats.uid, stats.gid).catch(() => undefined);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Exit status: see FMT_USAGE. */
export async function runFmt(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let parsed: FmtArgs | 'help';
  try {
    parsed = parseFmtArgs(args);
  } catch (error) {
    if (!(error instanceof FmtUsageError)) throw error;
    err.write(`makeimg fmt: ${error.message}\n${FMT_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    out.write(FMT_USAGE);
    return 0;
  }
  const flagsGiven = parsed.indent !== undefined || Object.keys(parsed.flags).length > 0;
  let status = 0;
  const fail = (code: number) => (status = Math.max(status, code));
  for (const file of parsed.files) {
    const name = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = file === '-' ? await readStandardInput() : await fs.readFile(file, 'utf8');
    } catch (error) {
      err.write(`makeimg fmt: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      fail(2);
      continue;
    }
    // As shfmt: any formatting flag replaces the .editorconfig entirely.
    const options = flagsGiven
      ? { ...SHFMT_DEFAULTS, ...parsed.flags, indent: parsed.indent ?? SHFMT_DEFAULTS.indent }
      : formatOptionsFor(file === '-' ? undefined : path.resolve(file));
    const result = await formatText(text, options, undefined, name);
    if (!result.ok) {
      err.write(`${name}:${result.error.line + 1}:${result.error.character + 1}: error: ${result.message}\n`);
      fail(1);
      continue;
    }
    const changed = result.text !== text;
    if (parsed.mode === 'print') out.write(result.text);
    else if (parsed.mode === 'write') {
      if (changed) await writeInPlace(file, result.text);
    } else if (changed) {
      out.write(`${name}\n`);
      fail(1);
    }
  }
  return status;
}
