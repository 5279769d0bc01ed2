/**
 * Folding ranges: multi-line blocks (functions, if/case, loops, groups,
 * subshells, heredocs, arrays), runs of whole-line comments, and
 * `# region` / `# endregion` markers.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { BlockFact, DocumentFacts } from '../../../analysis/src/facts';
import type { LineText } from './positions';

/** Blocks whose last line holds the closer (`}`, `fi`, `done`, `esac`, `)`): it stays visible. */
const CLOSED_BY_KEYWORD = new Set<BlockFact['kind']>(['function', 'if', 'case', 'loop', 'group', 'subshell', 'array']);
const REGION_START = /^#\s*region\b/;
const REGION_END = /^#\s*endregion\b/;

export function foldingRanges(facts: DocumentFacts, lineText: LineText): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const b of facts.blocks) {
    let startLine = b.range.start.line;
    let endLine = CLOSED_BY_KEYWORD.has(b.kind) ? b.range.end.line - 1 : b.range.end.line;
    if (b.kind === 'heredoc') {
      // The body starts below `cmd <<EOF`: fold from that line, keeping the terminator visible.
      startLine -= 1;
      if (b.range.end.character === 0) endLine -= 1;
    }
    if (endLine > startLine) ranges.push({ startLine, endLine });
  }
  ranges.push(...commentRanges(facts, lineText));
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

function commentRanges(facts: DocumentFacts, lineText: LineText): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const regions: number[] = [];
  let runStart = -1;
  let runEnd = -1;
  const closeRun = () => {
    if (runStart >= 0 && runEnd > runStart) ranges.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = -1;
  };
  for (const c of facts.comments) {
    const line = c.range.start.line;
    // Only comments alone on their line form a foldable run.
    if (lineText(line).slice(0, c.range.start.character).trim() !== '') continue;
    if (REGION_START.test(c.text)) {
      closeRun();
      regions.push(line);
      continue;
    }
    if (REGION_END.test(c.text)) {
      closeRun();
      const start = regions.pop();
      if (start !== undefined && line > start) ranges.push({ startLine: start, endLine: line, kind: FoldingRangeKind.Region });
      continue;
    }
    if (runStart >= 0 && line === runEnd + 1) {
      runEnd = line;
    } else {
      closeRun();
      runStart = runEnd = line;
    }
  }
  closeRun();
  return ranges;
}
