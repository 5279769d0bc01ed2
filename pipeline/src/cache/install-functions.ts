/**
 * Which of image.sh's functions belong to the install cache's key: every
 * function except those that only do_postinstall can reach.
 *
 * "Reach" is generous on purpose: a function mentions another when the
 * other's name appears as a word anywhere in its `declare -f` text (a call,
 * an argument to `eval`, a string), and a name mentioned in a top-level
 * variable counts as mentioned by do_install (`steps=(a b); for s in
 * "${steps[@]}"; do "$s"; done`). A false "mentioned" only costs a cache
 * miss; a false "not mentioned" would reuse a stale install. So the key has
 * do_install, every function do_postinstall cannot reach (including those
 * nothing mentions), and everything these mention, transitively: left out
 * are only do_postinstall and the functions reachable from it alone.
 */
import { DO_INSTALL, DO_POSTINSTALL } from '../../../shared/contract';
import type { ImageDescription } from '../stages/evaluate';

/** Shell words of a text: what is between blanks, quotes, operators and expansion syntax. */
function words(text: string): Set<string> {
  return new Set(text.split(/[\s;|&()<>`"'$={}[\]\\]+/).filter(Boolean));
}

function reachable(from: string[], mentions: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const queue = [...from];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !mentions.has(name)) continue;
    seen.add(name);
    queue.push(...mentions.get(name)!);
  }
  return seen;
}

/** The functions of the key, sorted. */
export function installFunctions(d: Pick<ImageDescription, 'functions' | 'variables'>): string[] {
  const names = Object.keys(d.functions);
  const mentions = new Map<string, Set<string>>();
  for (const name of names) {
    const w = words(d.functions[name]!);
    mentions.set(name, new Set(names.filter((other) => other !== name && w.has(other))));
  }
  const inVariables = new Set<string>();
  for (const decl of Object.values(d.variables)) for (const w of words(decl)) inVariables.add(w);

  const postinstallSide = reachable([DO_POSTINSTALL], mentions);
  const seeds = names.filter((n) => n === DO_INSTALL || inVariables.has(n) || !postinstallSide.has(n));
  return [...reachable(seeds, mentions)].sort();
}
