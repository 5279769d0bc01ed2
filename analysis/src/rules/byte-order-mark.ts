/** MKIMG015: a UTF-8 byte order mark: bash reads it as part of the first word. */
import { IMG_NAME } from '../../../shared/contract';
import type { Rule } from './types';

const BOM_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

export const byteOrderMark: Rule = {
  code: 'MKIMG015',
  severity: 'error',
  title: 'image.sh starts with a UTF-8 byte order mark',
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
};
