/** The help texts, generated from the verb table so that they cannot drift from it. */
import { CONFIG_FILE, DEFAULT_IMG_DIR_BASE, IMAGE_FILE_NAME, IMG_DIR_BASE_KEY, SRC_DIR } from '../../../shared/contract';
import { EXIT } from '../../../shared/events';
import { GLOBAL_OPTIONS, verbOptions } from './command-line';
import type { OptionSpec, Verb } from './verb';

function optionLines(spec: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(spec).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.valueName ? ` ${s.valueName}` : ''}`;
    return [flag, s.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`);
}

export function mainUsage(verbs: readonly Verb[]): string {
  const width = Math.max(...verbs.map((v) => v.name.length)) + 2;
  return [
    `usage: makeimg [VERB] [options] [arguments]`,
    '',
    `Builds the rootfs image described by ${IMAGE_FILE_NAME} in the current directory`,
    `($${SRC_DIR}) into ${IMG_DIR_BASE_KEY} (default ${DEFAULT_IMG_DIR_BASE}, or ${IMG_DIR_BASE_KEY}= in ~/${CONFIG_FILE}`,
    `of the invoking user). Building needs root. Options may come before or after the verb.`,
    '',
    'verbs:',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}${v.summary}`),
    '',
    'options of every verb:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `A directory named like a verb is written ./build (the original makeimg's`,
    `"makeimg build" still builds into an existing ./build when it is the only argument).`,
    '',
    `exit status: ${EXIT.OK} done, ${EXIT.BUILD_FAILED} a stage failed (lint: errors found), ${EXIT.INVALID} invalid input, usage or environment, ${EXIT.CANCELLED} cancelled`,
    'makeimg help VERB shows the options of a verb.',
    '',
  ].join('\n');
}

export function verbUsage(verb: Verb): string {
  return [
    `usage: makeimg ${verb.name} ${verb.synopsis}`.trimEnd(),
    '',
    verb.description.trim(),
    '',
    'options:',
    ...optionLines(verbOptions(verb)),
    '',
  ].join('\n');
}
