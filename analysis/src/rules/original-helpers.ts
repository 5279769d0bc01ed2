/**
 * MKIMG022: a call of `info`, `ok` or `error`, the original makeimg's
 * helpers, which this makeimg does not provide (image.sh defines none of them).
 */
import { canJudgeAbsence } from './common';
import { insertAtTop } from './fixes';
import type { RelatedInfo, Rule, RuleFinding } from './types';

/** The original makeimg's helpers, and a definition to add to image.sh for each. */
export const ORIGINAL_HELPERS: Readonly<Record<string, string>> = {
  info: 'info() { echo "==> $*"; }',
  ok: 'ok() { echo "OK: $*"; }',
  error: 'error() { echo "error: $*" >&2; return 1; }',
};

/** Further calls named in related information (the first call carries the finding). */
const MAX_RELATED = 5;

export const originalHelpers: Rule = {
  code: 'MKIMG022',
  severity: 'warning',
  docs: {
    summary:
      '`info`, `ok` or `error` is called but not defined: the original makeimg provided these helpers to hooks, this makeimg does not.',
    why: 'The original makeimg defined `info`, `ok` and `error` for image.sh. This makeimg runs hooks with only what image.sh defines, so such a call fails with "command not found" and stops the build (hooks run with `set -e`), or runs an unrelated program of that name (`info` is texinfo\'s reader).',
    howToFix:
      'Define the helper in image.sh. The quick fix adds a definition above the first statement: `info` and `ok` print their arguments, `error` prints them on stderr and returns 1, which stops the hook.',
    example: {
      bad: 'do_install()\n{\n    info "installing"\n    debootstrap bookworm "$img_dir"\n}',
      good: 'info() { echo "==> $*"; }\n\ndo_install()\n{\n    info "installing"\n    debootstrap bookworm "$img_dir"\n}',
    },
  },
  check({ facts }) {
    // A file image.sh sources but makeimg cannot read might define them.
    if (!canJudgeAbsence(facts)) return [];
    const findings: RuleFinding[] = [];
    for (const [name, definition] of Object.entries(ORIGINAL_HELPERS)) {
      if (facts.functions.some((f) => f.name === name)) continue;
      const calls = facts.commands.filter((c) => c.name === name);
      const [first, ...others] = calls;
      if (!first) continue;
      const related: RelatedInfo[] = others
        .slice(0, MAX_RELATED)
        .map((c) => ({ range: c.nameRange, message: `${name} is also called here` }));
      findings.push({
        range: first.nameRange,
        message:
          `${name} is not defined: the original makeimg provided info, ok and error, this makeimg does not, ` +
          `so this call fails with "command not found"${name === 'info' ? " (or runs texinfo's info)" : ''}. ` +
          `Define it in image.sh, e.g. ${definition}` +
          (calls.length > 1 ? ` (${calls.length} calls)` : ''),
        related: related.length > 0 ? related : undefined,
        data: { kind: 'insert-function', name, text: definition },
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    if (finding.data?.kind !== 'insert-function') return undefined;
    return insertAtTop(ctx, finding.data.text, `Define ${finding.data.name} in image.sh (the original makeimg's helper)`);
  },
};
