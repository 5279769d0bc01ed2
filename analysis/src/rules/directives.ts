/**
 * Silencing a rule in place, as eslint and ShellCheck users expect:
 *
 *   # makeimg-disable-next-line MKIMG010        the finding on the next line
 *   # makeimg-disable MKIMG013                  every finding of the file
 *
 * Several codes may follow, separated by spaces or commas. The file form is
 * the comment the image checks already read (`# makeimg-disable=CODE,...`,
 * shared/image-report.ts), so one comment silences a code everywhere.
 */
import { DISABLE_COMMENT, disabledByComment } from '../../../shared/image-report';
import type { DocumentFacts } from '../facts';
import type { Finding } from './types';

export const DISABLE_NEXT_LINE_COMMENT = `${DISABLE_COMMENT}-next-line`;

/** The comment that silences `code` on the line below it. */
export function disableNextLineComment(code: string): string {
  return `# ${DISABLE_NEXT_LINE_COMMENT} ${code}`;
}

/** The comment that silences `code` in the whole file. */
export function disableFileComment(code: string): string {
  return `# ${DISABLE_COMMENT} ${code}`;
}

interface Silenced {
  file: Set<string>;
  /** line -> codes silenced on it. */
  lines: Map<number, Set<string>>;
}

function silenced(facts: DocumentFacts): Silenced {
  const result: Silenced = { file: new Set(), lines: new Map() };
  const nextLine = new RegExp(`^#\\s*${DISABLE_NEXT_LINE_COMMENT}\\s*[=\\s]\\s*(.*)$`);
  for (const comment of facts.comments) {
    for (const code of disabledByComment(comment.text)) result.file.add(code);
    const m = nextLine.exec(comment.text.trim());
    if (!m) continue;
    const line = comment.range.end.line + 1;
    const codes = result.lines.get(line) ?? new Set<string>();
    for (const code of m[1].split(/[\s,]+/).filter((c) => /^[A-Z]+\d+$/.test(c))) codes.add(code);
    result.lines.set(line, codes);
  }
  return result;
}

/** `findings` without those a directive silences. */
export function withoutSilenced(facts: DocumentFacts, findings: Finding[]): Finding[] {
  if (!facts.comments.some((c) => c.text.includes(DISABLE_COMMENT))) return findings;
  const { file, lines } = silenced(facts);
  return findings.filter((f) => !file.has(f.code) && !lines.get(f.range.start.line)?.has(f.code));
}
