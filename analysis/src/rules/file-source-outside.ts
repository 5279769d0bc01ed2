/** MKIMG012: a *_files_src element points outside the image.sh directory (or is that directory itself). */
import { SRC_DIR } from '../../../shared/contract';
import { locateSource, staticSourceElements } from '../facts';
import { quote } from './common';
import type { Rule, RuleFinding } from './types';

export const fileSourceOutside: Rule = {
  code: 'MKIMG012',
  severity: 'error',
  docs: {
    summary: 'A `*_files_src` element is absolute, leaves the image.sh directory with `..`, or is the directory itself.',
    why: 'The build is confined: it sees only the image.sh directory ($src_dir). An absolute source, one that leaves the directory through `..`, or the directory itself cannot be copied, and makeimg refuses it.',
    howToFix: 'Copy the file into the project directory and list it by its path relative to image.sh.',
    example: {
      bad: 'preinstall_files_src=(/etc/resolv.conf)\npreinstall_files_dst=(/etc/resolv.conf)',
      good: 'preinstall_files_src=(resolv.conf)\npreinstall_files_dst=(/etc/resolv.conf)',
    },
  },
  check({ facts }) {
    const findings: RuleFinding[] = [];
    for (const source of staticSourceElements(facts)) {
      const location = locateSource(source.path);
      if (location.kind === 'inside') continue;
      if (location.kind === 'itself') {
        findings.push({
          range: source.element.range,
          message: `${quote(source.path)} is the image.sh directory itself, which makeimg does not copy. List the files or subdirectories to copy.`,
        });
        continue;
      }
      const how = location.kind === 'absolute' ? 'is an absolute path' : 'leaves the image.sh directory through ".."';
      findings.push({
        range: source.element.range,
        message:
          `${quote(source.path)} ${how}, but ${source.pair.src} is read relative to $${SRC_DIR} (the image.sh directory), ` +
          `the only project files the confined build can see. Copy the file into this directory and list it by its relative path.`,
      });
    }
    return findings;
  },
};
