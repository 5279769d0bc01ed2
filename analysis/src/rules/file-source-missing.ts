/** MKIMG013: a *_files_src element names a file that does not exist next to the image.sh. */
import { locateSource, staticSourceElements } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';
import { createFileFix } from './fixes';

export const fileSourceMissing: Rule = {
  code: 'MKIMG013',
  severity: 'warning',
  docs: {
    summary: 'A `*_files_src` element does not exist in the image.sh directory.',
    why: 'The stage copies each source from the image.sh directory; a missing file fails the build at that stage, possibly after minutes of debootstrap. The editor re-checks when files are created or deleted.',
    howToFix: 'Create the file (the quick fix does, in editors that can create files) or correct the path.',
    example: {
      bad: 'postinstall_files_src=(motd)   # no file motd next to image.sh\npostinstall_files_dst=(/etc/motd)',
      good: 'postinstall_files_src=(motd)   # motd created next to image.sh\npostinstall_files_dst=(/etc/motd)',
    },
  },
  check({ facts, files }) {
    if (!files) return [];
    const findings: RuleFinding[] = [];
    for (const source of staticSourceElements(facts)) {
      // A conditional assignment may be guarded by a test for the file itself.
      if (!source.certain) continue;
      const location = locateSource(source.path);
      if (location.kind !== 'inside' || files.kind(location.relative) !== 'missing') continue;
      findings.push({
        range: source.element.range,
        message:
          `${quote(source.path)} does not exist in the image.sh directory; the ${source.pair.stage} stage copies it from there, ` +
          `so the build would fail. Create the file or correct the path.`,
        data: { kind: 'create-file', path: location.relative },
      });
    }
    return findings;
  },
  fix(finding) {
    return finding.data?.kind === 'create-file' ? createFileFix(finding.data.path) : undefined;
  },
};
