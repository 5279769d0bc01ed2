/** MKIMG009: do_postinstall (and what it calls) runs inside the new rootfs, where $src_dir/$img_dir/$img_path do not exist. */
import { DO_INSTALL, DO_POSTINSTALL, FILE_ARRAY_PAIRS, PROVIDED_VARIABLES } from '../../../shared/contract';
import { callParents, chainText, functionsNamed, inReplacedDefinition, type DocumentFacts } from '../facts';
import { inImageFile, locate } from '../sourced/combine';
import { alternatives } from './common';
import type { RelatedInfo, Rule, RuleFinding } from './types';

const ROOTFS_MISSING = new Set(PROVIDED_VARIABLES.filter((v) => !v.availableIn.includes('rootfs')).map((v) => v.name));
const POSTINSTALL_FILES = FILE_ARRAY_PAIRS.find((p) => p.stage === 'postinstall')!;

/**
 * Functions that give `name` a value themselves: `local img_dir=/`,
 * `img_dir=...`, `: "${img_dir:=/}"`. Bash scopes dynamically, so the
 * functions they call see that value too.
 */
function settersOf(facts: DocumentFacts, name: string): Set<string> {
  const setters = new Set<string>();
  for (const a of facts.assignments) if (a.name === name && a.function !== null) setters.add(a.function);
  for (const r of facts.references) if (r.name === name && r.assigns && r.function !== null) setters.add(r.function);
  return setters;
}

export const providedInPostinstall: Rule = {
  code: 'MKIMG009',
  severity: 'error',
  docs: {
    summary:
      '`do_postinstall`, or any function it calls directly or indirectly, reads `$src_dir`, `$img_dir` or `$img_path`; they do not exist inside the new rootfs. Guarded forms (`${img_dir:-/}`) and local shadows are allowed.',
    why: 'do_postinstall runs inside the new root filesystem, where the host\'s $src_dir, $img_dir and $img_path do not exist. They expand to nothing there: `cp "$src_dir/motd" /etc/` copies `/motd`, which is not your file. The same holds for every function do_postinstall calls, directly or not (the message shows the chain).',
    howToFix:
      "Copy files into the image with `postinstall_files_src`/`postinstall_files_dst` (they are in place before do_postinstall runs), or do the step in do_install, which runs on the host. Guarded forms such as `${img_dir:-/}` and a function's own `local img_dir` are allowed.",
    example: {
      bad: 'do_postinstall()\n{\n    cp "$src_dir/motd" /etc/motd\n}',
      good: 'postinstall_files_src=(motd)\npostinstall_files_dst=(/etc/motd)',
    },
  },
  check({ facts }) {
    const hooks = functionsNamed(facts, DO_POSTINSTALL);
    // Only the last definition runs.
    const hook = hooks.find((h) => !inReplacedDefinition(facts, h.range)) ?? hooks[hooks.length - 1];
    if (!hook) return [];
    const findings: RuleFinding[] = [];
    for (const name of ROOTFS_MISSING) {
      const references = facts.references.filter((r) => r.name === name && !r.guarded && r.function !== null);
      if (references.length === 0) continue;
      const setters = settersOf(facts, name);
      // Reached without passing through a function that set the variable: it has makeimg's (missing) value.
      const parents = callParents(facts, DO_POSTINSTALL, setters);
      for (const r of references) {
        const reach = parents.get(r.function);
        if (!reach || setters.has(r.function!) || inReplacedDefinition(facts, r.range)) continue;
        const via = reach.depth > 0 ? ` (${chainText(DO_POSTINSTALL, parents, r.function!)})` : '';
        const related: RelatedInfo[] = [{ range: hook.nameRange, message: `${DO_POSTINSTALL} runs inside the new rootfs` }];
        // The first and the last call of the chain (a chain can be thousands of calls long).
        const calls = reach.first && reach.site && reach.first !== reach.site ? [reach.first, reach.site] : reach.site ? [reach.site] : [];
        for (const call of calls)
          related.push({ range: call.nameRange, message: `${call.function ?? 'top level'} calls ${call.name} here` });
        // Used in a sourced file: underline the last call in image.sh that leads there, and point into the file.
        const where = locate(facts, r.expansionRange);
        const anchor = where.file ? [...calls].reverse().find((call) => inImageFile(call.nameRange)) : undefined;
        if (anchor && where.file)
          related.push({ range: r.expansionRange, message: `$${r.name} is used here, in ${where.file.relativePath}` });
        const inFile = anchor && where.file ? `${where.file.relativePath}:${where.range.start.line + 1}: ` : '';
        findings.push({
          range: anchor ? anchor.nameRange : r.expansionRange,
          message:
            `${inFile}$${r.name} does not exist inside the new rootfs, where ${DO_POSTINSTALL} runs${via}: it expands to nothing there. ` +
            `Copy files in with ${POSTINSTALL_FILES.src}/${POSTINSTALL_FILES.dst}, or do this step in ${DO_INSTALL}.`,
          related,
        });
      }
    }
    return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  },
};
