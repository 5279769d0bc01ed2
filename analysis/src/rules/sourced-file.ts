/** MKIMG017: a sourced file (`source`/`.` with a static path) does not exist, or lies outside the image.sh directory. */
import { SRC_DIR } from '../../../shared/contract';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

export const sourcedFile: Rule = {
  code: 'MKIMG017',
  severity: 'warning',
  docs: {
    summary:
      'A sourced file (`source`/`.` with a literal path, a `"$src_dir/..."` path or a `# shellcheck source=` directive) does not exist, is not a regular file, or lies outside the image.sh directory (the image then depends on a file outside the project; the confined stages may not see it). Dynamic paths (`source "$x"`) are unknown and silent.',
    why: 'Functions and variables defined in a sourced file count for every rule and editor feature. A file that does not exist makes bash stop reading it with "No such file or directory", so nothing it should define exists; a file outside the project ties the image to the machine it was built on, and the confined stages may not see it (inside the new rootfs nothing of the host is there). More in [sourced-files.md](../sourced-files.md).',
    howToFix: 'Create the file, correct the path, or copy it into the project and source it as `"$src_dir/NAME"`.',
    example: {
      bad: 'source ./lib/common.sh   # no lib/common.sh next to image.sh',
      good: 'source "$src_dir/lib/common.sh"   # lib/common.sh created next to image.sh',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const r of facts.sourced?.resolutions ?? []) {
      const written = quote(r.written ?? '');
      const range = r.source.argument?.range ?? r.source.range;
      const how = r.directive ? ' (named by a "# shellcheck source=" directive)' : '';
      if (r.kind === 'missing') {
        findings.push({
          range,
          message:
            `${written}${how} does not exist in the image.sh directory: bash stops reading it with "No such file or directory", ` +
            `so nothing it should define exists. Create the file or correct the path.`,
        });
      } else if (r.kind === 'not-a-file') {
        findings.push({ range, message: `${written}${how} is not a regular file, so bash cannot source it. Source the file itself.` });
      } else if (r.kind === 'outside') {
        findings.push({
          range,
          message:
            `${written}${how} lies outside the image.sh directory ($${SRC_DIR}): the image then depends on a file that is not part ` +
            `of the project, and the confined stages may not see it (inside the new rootfs nothing of the host is there). ` +
            `Copy it into this directory and source it as "$${SRC_DIR}/NAME".`,
        });
      }
    }
    return findings;
  },
};
