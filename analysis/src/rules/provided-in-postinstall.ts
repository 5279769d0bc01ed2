/** MKIMG009: do_postinstall (and what it calls) runs inside the new rootfs, where $src_dir/$img_dir/$img_path do not exist. */
import { DO_INSTALL, DO_POSTINSTALL, FILE_ARRAY_PAIRS, PROVIDED_VARIABLES } from '../../../shared/contract';
import { callChain, callParents, functionsNamed } from '../facts';
import { alternatives } from './common';
import type { RelatedInfo, Rule, RuleFinding } from './types';

const ROOTFS_MISSING = new Set(PROVIDED_VARIABLES.filter((v) => !v.availableIn.includes('rootfs')).map((v) => v.name));
const POSTINSTALL_FILES = FILE_ARRAY_PAIRS.find((p) => p.stage === 'postinstall')!;

export const providedInPostinstall: Rule = {
  code: 'MKIMG009',
  severity: 'error',
  title: `${DO_POSTINSTALL} (or a function it calls) uses ${alternatives([...ROOTFS_MISSING].map((name) => `$${name}`))}`,
  check({ facts }) {
    const hook = functionsNamed(facts, DO_POSTINSTALL)[0];
    if (!hook) return [];
    const reached = callParents(facts, DO_POSTINSTALL);
    // A function that sets the variable itself (e.g. `local img_dir=/`) uses its own value.
    const setsItself = (fn: string | null, name: string) => facts.assignments.some((a) => a.function === fn && a.name === name);
    const findings: RuleFinding[] = [];
    for (const r of facts.references) {
      if (!ROOTFS_MISSING.has(r.name) || r.guarded || r.function === null) continue;
      if (!reached.has(r.function) || setsItself(r.function, r.name)) continue;
      const chain = callChain(reached, r.function);
      const via = chain.length > 0 ? ` (${[DO_POSTINSTALL, ...chain.map((c) => c.name)].join(' -> ')})` : '';
      const related: RelatedInfo[] = [{ range: hook.nameRange, message: `${DO_POSTINSTALL} runs inside the new rootfs` }];
      for (const call of chain) related.push({ range: call.nameRange, message: `${call.function ?? 'top level'} calls ${call.name} here` });
      findings.push({
        range: r.expansionRange,
        message:
          `$${r.name} does not exist inside the new rootfs, where ${DO_POSTINSTALL} runs${via}: it expands to nothing there. ` +
          `Copy files in with ${POSTINSTALL_FILES.src}/${POSTINSTALL_FILES.dst}, or do this step in ${DO_INSTALL}.`,
        related,
      });
    }
    return findings;
  },
};
