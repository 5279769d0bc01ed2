/** MKIMG014: Windows (CRLF) line endings: bash reads the '\r' as part of every line. */
import { IMG_NAME } from '../../../shared/contract';
import type { Rule } from './types';

export const crlfLineEndings: Rule = {
  code: 'MKIMG014',
  severity: 'error',
  title: 'image.sh has Windows (CRLF) line endings',
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
};
