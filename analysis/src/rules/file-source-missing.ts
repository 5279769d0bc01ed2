/** MKIMG013: a *_files_src element names a file that does not exist next to the image.sh. */
import { locateSource, staticSourceElements } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

export const fileSourceMissing: Rule = {
  code: 'MKIMG013',
  severity: 'warning',
  title: 'a *_files_src element names a file that does not exist in the image.sh directory',
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
};
