/**
 * The command-line linter: `makeimg lint FILES...` prints findings like a
 * compiler (`file:line:col: severity CODE message`) and exits 1 on errors.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyzeImage, analyzeText } from './analysis';
import type { Severity } from './rules';
import { existingDirectoryOf, sourceFilesIn } from './source-files';

export interface LintFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export async function lintText(text: string, file: string): Promise<LintFinding[]> {
  // Missing source files are checked when the file sits in a real directory.
  const directory = existingDirectoryOf(resolve(file));
  // In a real directory, also the files it sources (as the editor does).
  const { findings } =
    directory === undefined
      ? await analyzeText(text, { confirmSyntaxWithBash: true })
      : await analyzeImage(text, resolve(file), { files: sourceFilesIn(directory), confirmSyntaxWithBash: true });
  return findings.map((f) => ({
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
  }));
}

export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}`;
}

const USAGE =
  'usage: makeimg lint FILE...\n  Checks image.sh files ("-" reads standard input); exits 1 if any has an error, 2 on bad usage or an unreadable file.\n';

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit status: 0 clean or warnings only, 1 any error, 2 usage error or unreadable file. */
export async function runLint(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    out.write(USAGE);
    return 0;
  }
  const unknownOption = args.find((a) => a.startsWith('-') && a !== '-');
  if (args.length === 0 || unknownOption) {
    err.write(unknownOption ? `makeimg lint: unknown option ${unknownOption}\n${USAGE}` : USAGE);
    return 2;
  }
  let status = 0;
  let errors = 0;
  let warnings = 0;
  for (const file of args) {
    let text: string;
    try {
      text = file === '-' ? await readStandardInput() : await readFile(file, 'utf8');
    } catch (error) {
      err.write(`makeimg lint: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      status = 2;
      continue;
    }
    for (const finding of await lintText(text, file === '-' ? '<stdin>' : file)) {
      out.write(formatFinding(finding) + '\n');
      if (finding.severity === 'error') errors++;
      else if (finding.severity === 'warning') warnings++;
    }
  }
  if (errors > 0 || warnings > 0) err.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  if (status === 2) return 2;
  return errors > 0 ? 1 : 0;
}
