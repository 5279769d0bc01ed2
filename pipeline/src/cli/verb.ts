/**
 * What a makeimg command (verb) is: its options, its arguments, its help and
 * what it runs. The table of verbs is verbs/index.ts; adding a command is a
 * file in verbs/ and a line there.
 */
import type { OutputMode } from './output-mode';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** For `--help`: e.g. `DIR`, `N`. */
  valueName?: string;
  help: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface VerbContext {
  /** Options given (global and the verb's), by long name. */
  values: OptionValues;
  /** Arguments after the verb. */
  positionals: string[];
  /** After `--`, for a verb with commandAfterDashDash. */
  command: string[];
  /** The project directory ($src_dir): --directory, else the current directory. */
  srcDir: string;
  output: OutputMode;
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Verb {
  name: string;
  /** One line for `makeimg help`. */
  summary: string;
  /** After `makeimg NAME`: e.g. `[options] [img_dir_base]`. */
  synopsis: string;
  /** Paragraphs for `makeimg help NAME`. */
  description: string;
  options: Record<string, OptionSpec>;
  /** The arguments: their name for messages and how many are accepted. */
  positionals: { name: string; meaning: string; max: number };
  /**
   * The original makeimg had no commands: `makeimg build` built into ./build.
   * For these verbs, an existing directory of the verb's name given as the
   * only argument still means that directory.
   */
  compatDirectory?: boolean;
  /** Takes --json / --progress (streams events). */
  streams?: boolean;
  /**
   * Parses its own arguments (e.g. fmt, with shfmt's flags): everything after
   * the verb is handed over as positionals. Global options still work before the verb.
   */
  ownArguments?: { usage: string };
  /** Arguments after `--` are a command to run (`makeimg shell IMAGE -- ls`), not positionals: named here for help. */
  commandAfterDashDash?: string;
  run(ctx: VerbContext): Promise<number>;
}
