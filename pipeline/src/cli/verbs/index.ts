/**
 * makeimg's verbs, in the order `makeimg --help` lists them. A new verb is a
 * file in this folder exporting a Verb, and one line here.
 */
import type { Verb } from '../verb';
import { buildVerb } from './build';
import { cacheVerb } from './cache';
import { checkVerb } from './check';
import { cleanVerb } from './clean';
import { fmtVerb } from './fmt';
import { helpVerb } from './help';
import { inspectVerb } from './inspect';
import { lintVerb } from './lint';
import { shellVerb } from './shell';

export const VERBS: readonly Verb[] = [
  buildVerb,
  checkVerb,
  lintVerb,
  fmtVerb,
  cleanVerb,
  inspectVerb,
  cacheVerb,
  shellVerb,
  helpVerb(() => VERBS),
];

/** The verb when none is named: `makeimg [img_dir_base]` builds, as the original did. */
export const DEFAULT_VERB = buildVerb;
