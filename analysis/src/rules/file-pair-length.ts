/** MKIMG004: the src and dst arrays of a stage must have the same number of elements. */
import { FILE_ARRAY_PAIRS, type FileArrayPair } from '../../../shared/contract';
import { knownElementCount, visibleAssignments, type AssignmentFact } from '../facts';
import { lineOf, quote } from './common';
import type { Rule, RuleFinding } from './types';
import { appendPlaceholdersFix } from './fixes';

export const filePairLength = {
  code: 'MKIMG004',
  severity: 'error',
  docs: {
    summary:
      '`*_files_src` and `*_files_dst` of a stage have different lengths; reported on both arrays with the counts and the first unpaired element.',
    why: 'Element i of a `*_files_src` array is copied to element i of its `*_files_dst` array. With different lengths a file has no destination (or a destination no source), and makeimg refuses the build at the resolve stage.',
    howToFix:
      'Give every source a destination at the same index, or remove the extra element. The quick fix appends empty placeholders (`""`) to the shorter array for you to fill in (the problem is an error on the first unpaired element and a hint on the shorter array, so Problems counts it once; both offer that one fix).',
    example: {
      bad: 'preinstall_files_src=(resolv.conf mirrorlist)\npreinstall_files_dst=(/etc/resolv.conf)',
      good: 'preinstall_files_src=(resolv.conf mirrorlist)\npreinstall_files_dst=(/etc/resolv.conf /etc/pacman.d/mirrorlist)',
    },
  },
  /** `firstUnpaired`: the first element of the longer array without a partner. */
  message(p: { pair: FileArrayPair; srcCount: number; dstCount: number; firstUnpaired: string }): string {
    const { pair, srcCount, dstCount } = p;
    const srcLonger = srcCount > dstCount;
    const counts = `${pair.src} has ${srcCount} element${srcCount === 1 ? '' : 's'} but ${pair.dst} has ${dstCount}`;
    const unpaired =
      `${quote(p.firstUnpaired)} (element ${Math.min(srcCount, dstCount) + 1} of ${srcLonger ? pair.src : pair.dst}) ` +
      `has no ${srcLonger ? 'destination' : 'source'}`;
    const fix =
      `Element i of ${pair.src} is copied to element i of ${pair.dst}: ` +
      `give every ${srcLonger ? 'source a destination' : 'destination a source'}, or remove the extra element.`;
    return `${counts}: ${unpaired}. ${fix}`;
  },
  check({ facts }): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const pair of FILE_ARRAY_PAIRS) {
      const srcs = visibleAssignments(facts, pair.src);
      const dsts = visibleAssignments(facts, pair.dst);
      // Several assignments (or +=, conditionals, globs...) make the final length unknowable.
      if (srcs.length !== 1 || dsts.length !== 1) continue;
      const [src, dst] = [srcs[0], dsts[0]];
      const srcCount = knownElementCount(src);
      const dstCount = knownElementCount(dst);
      if (srcCount === undefined || dstCount === undefined || srcCount === dstCount) continue;
      const [longer, shorter] = srcCount > dstCount ? [src, dst] : [dst, src];
      const shorterCount = Math.min(srcCount, dstCount);
      const firstUnpaired = (longer.elements ?? [])[shorterCount];
      const message = filePairLength.message({ pair, srcCount, dstCount, firstUnpaired: firstUnpaired.value ?? firstUnpaired.text });
      const data = {
        kind: 'pair-mismatch' as const,
        src: pair.src,
        dst: pair.dst,
        srcCount,
        dstCount,
        shorter: shorter.name,
        missing: Math.abs(srcCount - dstCount),
      };
      findings.push({
        range: firstUnpaired.range,
        message,
        related: [relatedTo(shorter, `${shorter.name} (${shorterCount} element${shorterCount === 1 ? '' : 's'})`)],
        data,
      });
      // The same problem seen from the shorter array: a hint (editors show it there, with the shared quick fix),
      // so the Problems panel and its badge count the problem once, as the error above.
      findings.push({
        range: shorter.valueRange ?? shorter.range,
        severity: 'hint',
        message,
        related: [
          { range: firstUnpaired.range, message: `first unpaired element of ${longer.name}, line ${lineOf(facts, firstUnpaired.range)}` },
        ],
        data,
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    return finding.data?.kind === 'pair-mismatch' ? appendPlaceholdersFix(ctx, finding.data) : undefined;
  },
} satisfies Rule;

function relatedTo(a: AssignmentFact, message: string) {
  return { range: a.valueRange ?? a.range, message };
}
