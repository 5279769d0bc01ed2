/**
 * MKIMG023: `$img_dir_base` read by image.sh that does not set it: the
 * original makeimg passed it to hooks, this makeimg does not.
 */
import { IMG_NAME, IMG_PATH } from '../../../shared/contract';
import { visibleAssignments } from '../facts';
import { replaceFix, textAt } from './fixes';
import type { Rule, RuleFinding } from './types';

const NAME = 'img_dir_base';
/** The directory the image is written to, from a variable makeimg does provide. */
const REPLACEMENT = `\${${IMG_PATH}%/*}`;

export const imgDirBaseReference: Rule = {
  code: 'MKIMG023',
  severity: 'warning',
  docs: {
    summary: '`$img_dir_base` is read but image.sh does not set it: the original makeimg passed it to hooks, this makeimg does not.',
    why: 'makeimg gives hooks `$src_dir`, `$img_dir` and `$img_path` only. `$img_dir_base` expands to nothing, so `"$img_dir_base/x"` names `/x`. During the build only `$img_dir` is writable anyway.',
    howToFix:
      'Use `${img_path%/*}`, the directory the image is written to (the quick fix, offered when img_name has no directory part), or write into `$img_dir`.',
    example: {
      bad: 'do_install()\n{\n    echo "building into $img_dir_base"\n}',
      good: 'do_install()\n{\n    echo "building into ${img_path%/*}"\n}',
    },
  },
  check({ facts }) {
    // Set by image.sh itself (any assignment, `: "${img_dir_base:=...}"`): its own variable.
    if (facts.assignments.some((a) => a.name === NAME)) return [];
    if (facts.references.some((r) => r.name === NAME && r.assigns)) return [];
    // ${img_path%/*} is img_dir_base only when img_name has no directory part.
    const names = visibleAssignments(facts, IMG_NAME);
    const fixable = names.length > 0 && names.every((a) => a.value?.value !== undefined && !a.value.value.includes('/'));
    const findings: RuleFinding[] = [];
    for (const r of facts.references) {
      if (r.name !== NAME || r.guarded || r.form === 'arithmetic') continue;
      findings.push({
        range: r.expansionRange,
        message:
          `makeimg does not set $${NAME} (the original makeimg did): it expands to nothing here. ` +
          `The image's directory is ${REPLACEMENT}; only $img_dir is writable during the build.`,
        data: fixable ? { kind: 'replace', range: r.expansionRange, newText: REPLACEMENT } : undefined,
      });
    }
    return findings;
  },
  fix(finding, ctx) {
    if (finding.data?.kind !== 'replace') return undefined;
    // Only a plain $img_dir_base / ${img_dir_base}: an operator inside the braces would be lost.
    const text = textAt(ctx.lines, finding.data.range);
    if (text !== `$${NAME}` && text !== `\${${NAME}}`) return undefined;
    return replaceFix(ctx, finding.data.range, finding.data.newText);
  },
};
