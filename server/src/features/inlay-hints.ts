/**
 * Inlay hints: after each `*_files_src` element, where it lands in the image
 * (`-> /etc/hostname`), or that it has no destination. Elements whose
 * pairing depends on running the script get no hint.
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import { FILE_ARRAY_PAIRS, IMG_DIR } from '../../../shared/contract';
import { visibleAssignments, fileArrayFacts, imagePathOf, type DocumentFacts } from '../../../analysis/src/facts';
import { partnerOf } from './file-pairs';

const NO_DESTINATION_LABEL = '-> no destination';

export function inlayHints(allFacts: DocumentFacts, range: Range): InlayHint[] {
  const facts = fileArrayFacts(allFacts);
  const hints: InlayHint[] = [];
  for (const pair of FILE_ARRAY_PAIRS) {
    for (const assignment of visibleAssignments(facts, pair.src)) {
      (assignment.elements ?? []).forEach((element, index) => {
        const position = element.range.end;
        if (position.line < range.start.line || position.line > range.end.line) return;
        const partner = partnerOf(facts, { pair, role: 'src', assignment, index });
        if (partner.kind === 'unknown') return;
        const hint: InlayHint = { position, label: NO_DESTINATION_LABEL, kind: InlayHintKind.Type, paddingLeft: true };
        if (partner.kind === 'element') {
          const dst = partner.element;
          // A computed destination is shown as written, without its quotes.
          const inImage = dst.value !== undefined ? imagePathOf(dst.value) : dst.text.replace(/^"(.*)"$/s, '$1');
          hint.label = `-> ${inImage}`;
          hint.tooltip = `Copied to $${IMG_DIR}${inImage.startsWith('/') ? '' : '/'}${inImage} (${pair.dst}[${index}])`;
        } else if (partner.kind === 'missing') {
          hint.tooltip = `${pair.dst} has ${partner.count} element${partner.count === 1 ? '' : 's'}, so ${pair.src}[${index}] has no destination.`;
        } else {
          hint.tooltip = `${pair.dst} is not set, so ${pair.src}[${index}] has no destination.`;
        }
        hints.push(hint);
      });
    }
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}
