/**
 * Parses makeimg's command line with node:util parseArgs: global options and
 * the verb's options in any order (`makeimg --json check`, `makeimg check
 * --json`), the verb as the first argument (default: build). Every mistake
 * is a UsageError of one line that says what is wrong and, where it can, what
 * was meant.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { OptionSpec, OptionValues, Verb } from './verb';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly verb?: Verb,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options every verb takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  directory: {
    type: 'string',
    short: 'C',
    valueName: 'DIR',
    help: 'the project directory, where image.sh is (default: the current directory)',
  },
  help: { type: 'boolean', short: 'h', help: 'show help (makeimg help VERB for one command)' },
  version: { type: 'boolean', short: 'V', help: 'show the version' },
};

/** Options of the verbs that stream build events. */
export const PROGRESS_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'the same as --progress=json' },
  progress: {
    type: 'string',
    valueName: 'MODE',
    help: 'auto (default: tty on a terminal, else plain), plain, tty, or json: one event per line (shared/events.ts); closing stdin cancels',
  },
};

export interface ParsedCommandLine {
  verb: Verb;
  values: OptionValues;
  positionals: string[];
  /** Set when an argument was read as the original makeimg's img_dir_base rather than a verb. */
  compatNote?: string;
  /** What followed `--`, for a verb that runs a command (commandAfterDashDash). */
  command: string[];
}

/** Edit distance (Damerau-Levenshtein, adjacent swaps count 1), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist <= limit && (!best || dist < best.d)) best = { c, d: dist };
  }
  return best?.c;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function optionName(spec: Record<string, OptionSpec>, name: string): string {
  const s = spec[name];
  return s?.short ? `-${s.short}/--${name}` : `--${name}`;
}

/**
 * Every verb's options in one parseArgs configuration, so that `-C DIR`
 * consumes its value wherever it stands. Two verbs that share an option name
 * must give it the same type (the test of the verb table checks this).
 */
function allOptions(verbs: readonly Verb[]): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const v of verbs) Object.assign(all, v.streams ? PROGRESS_OPTIONS : {}, v.options);
  return all;
}

export function verbOptions(verb: Verb): Record<string, OptionSpec> {
  return { ...GLOBAL_OPTIONS, ...(verb.streams ? PROGRESS_OPTIONS : {}), ...verb.options };
}

/**
 * @param defaultVerb the verb when no argument names one (build)
 * @param cwd where relative directories are looked up (before --directory is applied)
 */
export function parseCommandLine(argv: string[], verbs: readonly Verb[], defaultVerb: Verb, cwd: string): ParsedCommandLine {
  const all = allOptions(verbs);
  const config = Object.fromEntries(
    Object.entries(all).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}) }]),
  );
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });

  // The verb is the first argument before `--`.
  const terminator = tokens.findIndex((t) => t.kind === 'option-terminator');
  const first = tokens.find((t, i) => t.kind === 'positional' && (terminator < 0 || i < terminator));
  const byName = new Map(verbs.map((v) => [v.name, v]));
  let verb = defaultVerb;
  let compatNote: string | undefined;
  const positionals: string[] = [];
  const directory = tokens.find((t) => t.kind === 'option' && t.name === 'directory');
  const projectDir = path.resolve(cwd, (directory?.kind === 'option' && directory.value) || '.');
  for (const t of tokens) {
    if (t.kind !== 'positional') continue;
    if (t === first) {
      const named = byName.get(t.value);
      const onlyArgument = argv.length === 1;
      if (named && !(named.compatDirectory && onlyArgument && isDirectory(path.join(projectDir, t.value)))) {
        verb = named;
        continue;
      }
      if (named) {
        compatNote =
          `makeimg: building into the existing directory ./${t.value}, as the original makeimg did; ` +
          `for the '${t.value}' command give an option too (e.g. makeimg ${t.value} -C .)`;
      } else if (!t.value.includes('/') && !isDirectory(path.join(projectDir, t.value))) {
        // A bare word that names no directory: a mistyped command rather than a new img_dir_base.
        const meant = suggest(
          t.value,
          verbs.map((v) => v.name),
        );
        throw new UsageError(
          `'${t.value}' is not a makeimg command` +
            (meant ? `; did you mean '${meant}'?` : '') +
            ` (to build into a new directory of that name, write ./${t.value}; see makeimg --help)`,
        );
      }
    }
    positionals.push(t.value);
  }

  // A verb that parses its own arguments gets them verbatim; only what came before it is makeimg's.
  const verbToken = first?.kind === 'positional' && byName.get(first.value) === verb && !compatNote ? first : undefined;
  if (verb.ownArguments && verbToken) {
    const before = tokens.filter((t) => t.index < verbToken.index);
    const values = parseOptions(before, verbOptions({ ...verb, options: {} }), all, verbs, verb);
    return { verb, values, positionals: argv.slice(verbToken.index + 1), command: [] };
  }

  let command: string[] = [];
  if (verb.commandAfterDashDash && terminator >= 0) {
    command = tokens
      .slice(terminator + 1)
      .filter((t) => t.kind === 'positional')
      .map((t) => (t as { value: string }).value);
    positionals.splice(positionals.length - command.length, command.length);
  }
  const values = parseOptions(tokens, verbOptions(verb), all, verbs, verb);
  if (values.json && values.progress !== undefined && values.progress !== 'json') {
    throw new UsageError(`--json and --progress=${String(values.progress)} contradict each other`, verb);
  }
  if (!values.help && !values.version && positionals.length > verb.positionals.max) {
    const shown = positionals.map((p) => `'${p}'`).join(' ');
    const takes =
      verb.positionals.max === 0
        ? 'takes no arguments'
        : `takes at most ${verb.positionals.max === 1 ? 'one argument' : `${verb.positionals.max} arguments`}, ${verb.positionals.name} (${verb.positionals.meaning})`;
    throw new UsageError(`makeimg ${verb.name} ${takes}; got ${shown} (see makeimg help ${verb.name})`, verb);
  }
  return { verb, values, positionals, compatNote, command };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

function parseOptions(
  tokens: Token[],
  spec: Record<string, OptionSpec>,
  all: Record<string, OptionSpec>,
  verbs: readonly Verb[],
  verb: Verb,
): OptionValues {
  const values: OptionValues = {};
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const own = spec[t.name];
    if (!own) {
      if (all[t.name]) {
        const owners = verbs.filter((v) => verbOptions(v)[t.name]).map((v) => `makeimg ${v.name}`);
        throw new UsageError(
          `${t.rawName} is an option of ${owners.join(', ')}, not of makeimg ${verb.name} (see makeimg help ${verb.name})`,
          verb,
        );
      }
      const longs = Object.keys(spec).map((n) => `--${n}`);
      const meant = t.rawName.startsWith('--') ? suggest(t.rawName, longs) : undefined;
      throw new UsageError(
        `unknown option ${t.rawName}` + (meant ? `; did you mean ${meant}?` : '') + ` (see makeimg help ${verb.name})`,
        verb,
      );
    }
    if (own.type === 'string' && t.value === undefined)
      throw new UsageError(`${optionName(spec, t.name)} needs a value${own.valueName ? ` (${own.valueName})` : ''}`, verb);
    if (own.type === 'boolean' && t.inlineValue) throw new UsageError(`${t.rawName} takes no value`, verb);
    values[t.name] = t.value ?? true;
  }
  return values;
}
