/**
 * Image.sh line numbers inside do_postinstall.
 *
 * do_postinstall runs inside the rootfs, where image.sh must not be sourced
 * (its top level may call host tools). The functions it defines come from
 * `declare -f`, which loses their line numbers. So the plain definitions
 * (the evaluation proved that their original text alone is exactly the
 * winning definition) are passed in again as a generated file with their
 * original text at their original lines and blank lines elsewhere: bash's
 * LINENO/BASH_LINENO in them are image.sh's, and the ERR trap's frames in
 * that file (err-reports.ts) map back to image.sh.
 */

/** A function whose image.sh text is exactly its winning definition. */
export interface OriginalDefinition {
  name: string;
  /** 1-based image.sh line where the definition starts. */
  line: number;
  /** The definition as written, lines separated by '\n'. */
  text: string;
}

/**
 * The generated file: each definition's lines at their image.sh line
 * numbers, blank lines elsewhere. A definition that overlaps one placed
 * before it (a nested definition found inside its outer function) is left
 * out; its `declare -f` text still defines it. Undefined when there is
 * nothing to place.
 */
export function originalsFile(defs: readonly OriginalDefinition[]): string | undefined {
  const lines: string[] = [];
  let placedUpTo = 0; // last line used so far (1-based)
  for (const d of [...defs].sort((a, b) => a.line - b.line)) {
    const text = d.text.split('\n');
    if (d.line <= placedUpTo) continue;
    while (lines.length < d.line - 1) lines.push('');
    lines.push(...text);
    placedUpTo = d.line + text.length - 1;
  }
  return lines.length ? lines.join('\n') + '\n' : undefined;
}
