/** "Did you mean" matching of user names against the contract's names. */
import { HOOKS, VARIABLES } from '../../../shared/contract';

/** The candidate lists (one array each: `nearMiss` remembers answers per list). */
export const HOOK_NAMES: readonly string[] = HOOKS.map((h) => h.name);
export const VARIABLE_NAMES: readonly string[] = VARIABLES.map((v) => v.name);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => [i, ...new Array<number>(cols - 1).fill(0)]);
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

const normalize = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

/**
 * The candidate `name` most likely meant, if it is close: same letters up to
 * case and underscores, one edit (names of 5+ characters) or two edits (10+).
 * Short common names like `tmp_dir` stay clear of `img_dir`.
 */
export function nearMiss(name: string, candidates: readonly string[]): string | undefined {
  // Long scripts repeat names a lot; remember answers per candidate list (the lists are constants; bounded).
  let answers = memo.get(candidates);
  if (!answers) memo.set(candidates, (answers = new Map()));
  if (answers.has(name)) return answers.get(name);
  const answer = computeNearMiss(name, candidates);
  if (answers.size > 10_000) answers.clear();
  answers.set(name, answer);
  return answer;
}

const memo = new WeakMap<readonly string[], Map<string, string | undefined>>();

function computeNearMiss(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(name)) return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (normalize(candidate) === normalize(name)) return candidate;
    if (Math.abs(candidate.length - name.length) > 2) continue;
    const distance = editDistance(name, candidate);
    const allowed = Math.min(name.length, candidate.length) >= 10 ? 2 : Math.min(name.length, candidate.length) >= 5 ? 1 : 0;
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
