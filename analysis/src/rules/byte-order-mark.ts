/** MKIMG015: a UTF-8 byte order mark: bash reads it as part of the first word. */
import { IMG_NAME } from '../../../shared/contract';
import type { Rule } from './types';
import { carriedEditsFix } from './fixes';

const BOM_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

export const byteOrderMark: Rule = {
  code: 'MKIMG015',
  severity: 'error',
  docs: {
    summary:
      'A UTF-8 byte order mark: bash reads it as part of the first word (a first line `img_name=...` sets nothing). Refused at resolve too.',
    why: 'bash reads a UTF-8 byte order mark as part of the first word, so the first line does not do what it says: a first line `img_name=...` never sets img_name. makeimg refuses such an image.sh at resolve with the same words.',
    howToFix: 'Remove the byte order mark (the quick fix does; Fix all applies it).',
    example: {
      bad: 'img_name=debian.tar.gz   # preceded by a byte order mark (U+FEFF)',
      good: 'img_name=debian.tar.gz',
    },
  },
  check({ facts }) {
    if (!facts.encoding.bom) return [];
    return [
      {
        range: BOM_RANGE,
        message:
          `image.sh starts with a UTF-8 byte order mark: bash reads it as part of the first word, so the first line does not do ` +
          `what it says (a first line \`${IMG_NAME}=...\` never sets ${IMG_NAME}). Remove the byte order mark.`,
        data: { kind: 'edits', title: 'Remove the byte order mark', edits: [{ range: BOM_RANGE, newText: '' }] },
      },
    ];
  },
  fix(finding) {
    return finding.data?.kind === 'edits' ? { ...carriedEditsFix(finding.data), safe: true } : undefined;
  },
};
