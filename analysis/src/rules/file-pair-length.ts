/** MKIMG004: the src and dst arrays of a stage must have the same number of elements. */
import { FILE_ARRAY_PAIRS } from '../../../shared/contract';
import { knownElementCount, visibleAssignments, type AssignmentFact } from '../facts';
import { lineOf, quote } from './common';
import type { Rule, RuleFinding } from './types';

export const filePairLength: Rule = {
  code: 'MKIMG004',
  severity: 'error',
  title: 'a *_files_src array and its *_files_dst array differ in length',
  check({ facts }) {
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
      const partnerRole = longer === src ? 'destination' : 'source';
      const counts = `${pair.src} has ${srcCount} element${srcCount === 1 ? '' : 's'} but ${pair.dst} has ${dstCount}`;
      const unpaired = `${quote(firstUnpaired.value ?? firstUnpaired.text)} (element ${shorterCount + 1} of ${longer.name}) has no ${partnerRole}`;
      const data = {
        kind: 'pair-mismatch' as const,
        src: pair.src,
        dst: pair.dst,
        srcCount,
        dstCount,
        shorter: shorter.name,
        missing: Math.abs(srcCount - dstCount),
      };
      const fix = `Element i of ${pair.src} is copied to element i of ${pair.dst}: give every ${longer === src ? 'source a destination' : 'destination a source'}, or remove the extra element.`;
      findings.push({
        range: firstUnpaired.range,
        message: `${counts}: ${unpaired}. ${fix}`,
        related: [relatedTo(shorter, `${shorter.name} (${shorterCount} element${shorterCount === 1 ? '' : 's'})`)],
        data,
      });
      findings.push({
        range: shorter.valueRange ?? shorter.range,
        message: `${counts}: ${unpaired}. ${fix}`,
        related: [{ range: firstUnpaired.range, message: `first unpaired element of ${longer.name}, line ${lineOf(facts, firstUnpaired.range)}` }],
        data,
      });
    }
    return findings;
  },
};

function relatedTo(a: AssignmentFact, message: string) {
  return { range: a.valueRange ?? a.range, message };
}
