/** MKIMG015: a UTF-8 byte order mark: bash reads it as part of the first word. */
import { IMG_NAME } from '../../../shared/contract';
import { COMMANDS } from '../../../shared/ids-and-settings';
import { DOCUMENT_START, type Rule } from './types';
import { carriedEditsFix } from './fixes';

const FIX_TITLE = 'Remove the byte order mark';
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
    const message =
      `image.sh starts with a UTF-8 byte order mark: bash reads it as part of the first word, so the first line does not do ` +
      `what it says (a first line \`${IMG_NAME}=...\` never sets ${IMG_NAME}). Remove the byte order mark.`;
    if (facts.encoding.bom) {
      return [{ range: BOM_RANGE, message, data: { kind: 'edits', title: FIX_TITLE, edits: [{ range: BOM_RANGE, newText: '' }] } }];
    }
    // Only in the file on disk (the editor dropped it when decoding): no character of the text to remove.
    if (facts.encoding.bomOnDisk) return [{ range: DOCUMENT_START, message }];
    return [];
  },
  fix(finding) {
    if (finding.data?.kind === 'edits') return { ...carriedEditsFix(finding.data), safe: true };
    // The editor rewrites the file without it (its command, with the document).
    return { title: FIX_TITLE, edits: [], command: { command: COMMANDS.removeByteOrderMark } };
  },
};
