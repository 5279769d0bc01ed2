/**
 * Reads what an image.sh defines, by sourcing it inside the confinement
 * (never on the host): img_name, the file arrays, where the hooks are
 * defined, and the definitions do_postinstall will get (with the original
 * text of plain definitions, so its failures can name image.sh lines).
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';
import type { LineSink } from '../../../shared/process';
import { ControlDir, runDriver, UntrustedOutputError } from '../confine/control-dir';
import { evaluationDriver, SYNTAX_ERROR_STATUS } from '../confine/driver-scripts';
import { CancelledError, describeEnd, InvalidInputError } from '../errors';
import { validateImageText } from '../validate';
import type { OriginalDefinition } from '../confine/postinstall-lines';

export interface ArrayValue {
  /** 'unset': not defined; 'other': defined but not an indexed array. */
  kind: 'array' | 'unset' | 'other';
  items: string[];
}

export interface HookLocation {
  file: string;
  /** 1-based line of the definition. */
  line: number;
}

export interface ImageDescription {
  imageFile: string;
  /** undefined when image.sh does not set it. */
  imgName?: string;
  arrays: Record<string, ArrayValue>;
  hooks: Record<string, HookLocation>;
  /** `declare -p` of each variable image.sh added or changed (not the provided ones), by name. */
  variables: Record<string, string>;
  /** `declare -f` of each function image.sh defines, by name. */
  functions: Record<string, string>;
  /** `declare -p` / `declare -f` text for do_postinstall. */
  definitions: string;
  /** Functions whose image.sh text is exactly their definition (line-mapped in do_postinstall). */
  originals: OriginalDefinition[];
}

/** Parse the NUL-separated description the evaluation script writes. */
function parseDescription(data: Buffer, imageFile: string): ImageDescription {
  const fields = data.toString('utf8').split('\0');
  fields.pop(); // the text ends with a NUL
  const d: ImageDescription = { imageFile, arrays: {}, hooks: {}, variables: {}, functions: {}, definitions: '', originals: [] };
  if (fields[fields.length - 1] !== 'end') throw new IncompleteDescriptionError();
  // do_postinstall's text: every declaration, then every function, in the order bash printed them.
  const declarations: string[] = [];
  const bodies: string[] = [];
  let i = 0;
  const next = (): string => {
    if (i >= fields.length) throw new Error('truncated image description');
    return fields[i++]!;
  };
  while (i < fields.length) {
    const tag = next();
    if (tag === 'scalar') {
      next(); // the name: only img_name is asked for
      const set = next() === 'set';
      const value = next();
      d.imgName = set ? value : undefined;
    } else if (tag === 'array') {
      const name = next();
      const kind = next() as ArrayValue['kind'];
      const count = Number(next());
      const items: string[] = [];
      for (let k = 0; k < count; k++) items.push(next());
      d.arrays[name] = { kind, items };
    } else if (tag === 'function') {
      const name = next();
      const line = Number(next());
      const file = next();
      d.hooks[name] = { line, file };
    } else if (tag === 'variable') {
      // bash's `declare -p` / `declare -f` output, one trailing newline each
      const name = next();
      const text = next().replace(/\n$/, '');
      d.variables[name] = text;
      declarations.push(text);
    } else if (tag === 'body') {
      const name = next();
      const text = next().replace(/\n$/, '');
      d.functions[name] = text;
      bodies.push(text);
    } else if (tag === 'end') {
      break;
    } else if (tag === 'original') {
      const name = next();
      const line = Number(next());
      d.originals.push({ name, line, text: next() });
    } else {
      throw new Error(`unexpected field in image description: ${tag}`);
    }
  }
  d.definitions = [...declarations, ...bodies].map((t) => `${t}\n`).join('');
  return d;
}

/** The evaluation did not reach the end of its description (image.sh's top level exited). */
class IncompleteDescriptionError extends Error {}

/** Bounds what the host reads from the container (definitions of 240,000 variables are ~10 MB). */
const MAX_DESCRIPTION_BYTES = 256 * 1024 * 1024;

export interface EvaluateOptions {
  signal: AbortSignal;
  /** Output image.sh prints at its top level while being evaluated. */
  onLine?: LineSink;
}

/** Where bash -n said the syntax error is. */
function syntaxErrorLine(stderr: string[], imageFile: string): number | undefined {
  for (const l of stderr) {
    const m = /: line (\d+): /.exec(l);
    if (m && l.startsWith(imageFile)) return Number(m[1]);
  }
  return undefined;
}

/** Larger files (or anything but a regular file) are left to bash alone. */
const MAX_CHECKED_BYTES = 16 * 1024 * 1024;

/** image.sh's text for the checks before evaluation (undefined: not checked). */
async function readTextToCheck(imageFile: string): Promise<string | undefined> {
  // Non-blocking: a FIFO named image.sh must not hang the build here.
  const handle = await fs.open(imageFile, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_CHECKED_BYTES) return undefined;
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function evaluateImage(srcDir: string, opts: EvaluateOptions): Promise<ImageDescription> {
  const imageFile = path.join(srcDir, IMAGE_FILE_NAME);
  let text: string | undefined;
  try {
    text = await readTextToCheck(imageFile);
  } catch {
    throw new InvalidInputError(`no ${IMAGE_FILE_NAME} in ${srcDir}`);
  }
  // Bash would fail on these in ways that name neither the file nor the cause.
  const [problem] = text === undefined ? [] : validateImageText(text);
  if (problem) throw new InvalidInputError(problem.message, imageFile, problem.line);
  return ControlDir.use(async (control) => {
    await control.addOutput('description');
    const stderr: string[] = [];
    const result = await runDriver(
      evaluationDriver(srcDir),
      control,
      { place: 'confined-host', privilege: 'none', srcDir },
      {
        signal: opts.signal,
        onLine: (stream, text) => {
          if (stream === 'stderr') stderr.push(text);
          return opts.onLine?.(stream, text);
        },
      },
    );
    if (result.kind === 'cancelled') throw new CancelledError('while evaluating image.sh');
    if (result.kind === 'failed' && result.exitCode === SYNTAX_ERROR_STATUS) {
      throw new InvalidInputError(`${IMAGE_FILE_NAME} has a syntax error`, imageFile, syntaxErrorLine(stderr, imageFile));
    }
    const stopped = (): InvalidInputError =>
      new InvalidInputError(
        `${IMAGE_FILE_NAME} stopped while being evaluated (${describeEnd(result)}); its top level must not exit or fail fatally` +
          (stderr.length ? `: ${stderr[stderr.length - 1]}` : ''),
        imageFile,
      );
    if (result.kind !== 'ok') throw stopped();
    try {
      return parseDescription(await control.readOutput('description', MAX_DESCRIPTION_BYTES), imageFile);
    } catch (e) {
      if (e instanceof IncompleteDescriptionError) throw stopped();
      if (e instanceof UntrustedOutputError)
        throw new InvalidInputError(`${IMAGE_FILE_NAME} could not be evaluated: ${e.message}`, imageFile);
      throw e;
    }
  });
}
