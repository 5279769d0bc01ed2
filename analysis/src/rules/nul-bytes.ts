/** MKIMG016: NUL bytes: bash refuses the file (and the editor checks it with spaces in their place). */
import { lineOf } from './common';
import type { Rule } from './types';

export const nulBytes: Rule = {
  code: 'MKIMG016',
  severity: 'error',
  docs: {
    summary:
      'NUL bytes: bash refuses the file; the other checks read each NUL as a space (tree-sitter-bash is quadratic on NULs). Refused at resolve too.',
    why: 'bash refuses to run a file with NUL bytes. Usually the file is not the script it should be, or it was saved in another encoding (UTF-16). The editor still checks the rest, reading each NUL as a space.',
    howToFix: 'Open the right file, or save it as UTF-8.',
    example: {
      bad: 'img_name=debian.tar.gz   # saved as UTF-16: every other byte is NUL',
      good: 'img_name=debian.tar.gz   # saved as UTF-8',
    },
  },
  check({ facts }) {
    const { nulCount, firstNul } = facts.encoding;
    if (nulCount === 0 || !firstNul) return [];
    const count = nulCount === 1 ? 'a NUL byte' : `${nulCount.toLocaleString('en-US')} NUL bytes`;
    return [
      {
        range: firstNul,
        message:
          `image.sh contains ${count} (the first on line ${lineOf(facts, firstNul)}): bash refuses to run a file with NUL bytes. ` +
          `Is this the right file, or was it saved in another encoding (UTF-16)? The other checks read each NUL as a space.`,
      },
    ];
  },
};
