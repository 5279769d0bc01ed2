/** MKIMG014: Windows (CRLF) line endings: bash reads the '\r' as part of every line. */
import { IMG_NAME } from '../../../shared/contract';
import type { Rule } from './types';
import { carriedEditsFix } from './fixes';

export const crlfLineEndings: Rule = {
  code: 'MKIMG014',
  severity: 'error',
  docs: {
    summary:
      'Windows (CRLF) line endings: bash reads the carriage return as part of each line (`img_name` ends in `\\r`, `{` at a line end is a syntax error). `makeimg` refuses such a file at resolve with the same words.',
    why: 'bash reads the carriage return of a CR LF line ending as part of the line: img_name ends in "\\r", commands get a stray argument, and a `{` at the end of a line is a syntax error. makeimg refuses such an image.sh at resolve with the same words.',
    howToFix: 'Convert the file to LF line endings (the quick fix does; Fix all applies it).',
    example: {
      bad: 'img_name=debian.tar.gz   # saved with CR LF line endings',
      good: 'img_name=debian.tar.gz   # saved with LF line endings',
    },
  },
  check({ facts }) {
    const { crlf, crlfCount } = facts.encoding;
    if (crlfCount === 0) return [];
    const lines = crlfCount === 1 ? '1 line ends' : `${crlfCount.toLocaleString('en-US')} lines end`;
    return [
      {
        range: crlf[0],
        message:
          `image.sh has Windows line endings (${lines} in CR LF): bash reads the carriage return as part of each line, ` +
          `so ${IMG_NAME} would end in "\\r" and a "{" at the end of a line is a syntax error. Convert the file to LF line endings.`,
        data: { kind: 'edits', title: 'Convert to LF line endings', edits: crlf.map((range) => ({ range, newText: '\n' })) },
      },
    ];
  },
  fix(finding) {
    return finding.data?.kind === 'edits' ? { ...carriedEditsFix(finding.data), safe: true } : undefined;
  },
};
