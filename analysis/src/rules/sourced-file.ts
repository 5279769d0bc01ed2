/** MKIMG017: a sourced file (`source`/`.` with a static path) does not exist, or lies outside the image.sh directory. */
import { SRC_DIR } from '../../../shared/contract';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

export const sourcedFile: Rule = {
  code: 'MKIMG017',
  severity: 'warning',
  title: 'a sourced file does not exist, or lies outside the image.sh directory',
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
