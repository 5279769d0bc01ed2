/** `makeimg lint [FILE...]`: the editor's diagnostics on the command line (no root needed). */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { IMAGE_FILE_NAME } from '../../../../shared/contract';
import { EXIT } from '../../../../shared/events';
import {
  findingJson,
  formatFinding,
  formatGcc,
  LINT_FORMATS,
  lintText,
  type LintFinding,
  type LintFormat,
} from '../../../../analysis/src/lint';
import { UsageError } from '../command-line';
import type { Verb } from '../verb';

const FORMATTERS: Record<Exclude<LintFormat, 'json'>, (f: LintFinding) => string> = { text: formatFinding, gcc: formatGcc };

/** Why a file cannot be read, as a sentence. */
export function unreadable(file: string, e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return `${file} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `${file} cannot be read: permission denied`;
    case 'EISDIR':
      return `${file} is a directory`;
    default:
      return `${file} cannot be read: ${e.message}`;
  }
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A named directory means its image.sh. */
async function fileFor(arg: string, cwd: string): Promise<string> {
  try {
    if ((await stat(path.resolve(cwd, arg))).isDirectory()) return path.join(arg, IMAGE_FILE_NAME);
  } catch {
    // reported when read
  }
  return arg;
}

export const lintVerb: Verb = {
  name: 'lint',
  summary: `check ${IMAGE_FILE_NAME} files as the editor does (makeimg's rules and ShellCheck; no root needed)`,
  synopsis: '[options] [FILE...]',
  description: `Reports what the editor reports: makeimg's rules (MKIMG...) and, when shellcheck is
installed, ShellCheck's findings (SC...) without the ones that are wrong for image.sh.
FILE defaults to ./${IMAGE_FILE_NAME} (in --directory); a directory means its ${IMAGE_FILE_NAME}; - reads stdin.
Exit status: ${EXIT.OK} no errors (and at most --max-warnings warnings), ${EXIT.BUILD_FAILED} errors found (or too
many warnings), ${EXIT.INVALID} bad usage or a file that cannot be read.
--format json writes one array of {file, range: {start: {line, column}, end}, severity,
code, message}, lines and columns 1-based.`,
  options: {
    format: {
      type: 'string',
      valueName: 'FORMAT',
      help: `${LINT_FORMATS.join(', ')} (default text: file:line:col: severity CODE message)`,
    },
    'max-warnings': { type: 'string', valueName: 'N', help: 'also fail (exit 1) when there are more than N warnings' },
    shellcheck: { type: 'string', valueName: 'PATH', help: 'the shellcheck to run (default: shellcheck on PATH)' },
    'no-shellcheck': { type: 'boolean', help: "only makeimg's own rules" },
  },
  positionals: { name: 'FILE...', meaning: 'the image.sh files to check', max: Infinity },
  compatDirectory: true,
  async run(ctx) {
    const format = (ctx.values.format ?? 'text') as LintFormat;
    if (!LINT_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${LINT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
    const maxText = ctx.values['max-warnings'];
    if (maxText !== undefined && !/^\d+$/.test(String(maxText)))
      throw new UsageError(`--max-warnings needs a number, got ${JSON.stringify(maxText)}`);
    const maxWarnings = maxText === undefined ? Infinity : Number(maxText);
    const shellcheck = ctx.values['no-shellcheck'] ? undefined : String(ctx.values.shellcheck ?? 'shellcheck');

    const args = ctx.positionals.length > 0 ? ctx.positionals : [path.join(ctx.srcDir, IMAGE_FILE_NAME)];
    let status: number = EXIT.OK;
    const notes = new Set<string>();
    const all: LintFinding[] = [];
    for (const arg of args) {
      const file = arg === '-' ? arg : await fileFor(arg, ctx.srcDir);
      let text: string;
      try {
        text = file === '-' ? await readStandardInput() : await readFile(path.resolve(ctx.srcDir, file), 'utf8');
      } catch (e) {
        const sentence = unreadable(file, e as NodeJS.ErrnoException);
        const hint = ctx.positionals.length === 0 ? ` (give the file: makeimg lint path/to/${IMAGE_FILE_NAME})` : '';
        ctx.stderr.write(`makeimg lint: ${sentence}${hint}\n`);
        status = EXIT.INVALID;
        continue;
      }
      const found: string[] = [];
      const findings = await lintText(text, file === '-' ? '<stdin>' : file, { shellcheck, notes: found });
      for (const n of found) notes.add(n);
      all.push(...findings);
      if (format !== 'json') for (const f of findings) ctx.stdout.write(FORMATTERS[format](f) + '\n');
    }
    if (format === 'json') ctx.stdout.write(JSON.stringify(all.map(findingJson)) + '\n');
    for (const n of notes) ctx.stderr.write(`makeimg lint: ${n}\n`);
    const errors = all.filter((f) => f.severity === 'error').length;
    const warnings = all.filter((f) => f.severity === 'warning').length;
    if (format !== 'json' && (errors > 0 || warnings > 0)) {
      ctx.stderr.write(
        `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
          (warnings > maxWarnings ? ` (more than --max-warnings ${maxWarnings})` : '') +
          '\n',
      );
    }
    if (status !== EXIT.OK) return status;
    return errors > 0 || warnings > maxWarnings ? EXIT.BUILD_FAILED : EXIT.OK;
  },
};
