/**
 * Snippets for image.sh, generated from the contract: a complete skeleton.
 * img_name, the hooks and the file arrays are offered by the language
 * server's completion (only where they fit and while they are not written
 * yet); a static snippet of the same name would offer each one twice.
 */
import {
  EXAMPLE_IMAGE_SUFFIX,
  FILE_ARRAY_PAIRS,
  HOOKS,
  IMAGE_SUFFIXES,
  IMG_NAME,
  STAGE_SPECS,
  findVariable,
} from '../../../shared/contract';
import { escapeSnippet } from '../../../shared/snippet-syntax';

interface Snippet {
  prefix: string | string[];
  body: string[];
  description: string;
}

/** The choices, the original README's first. */
const suffixChoice = () => {
  const suffixes = IMAGE_SUFFIXES.map((s) => s.suffix).sort(
    (a, b) => Number(b === EXAMPLE_IMAGE_SUFFIX) - Number(a === EXAMPLE_IMAGE_SUFFIX),
  );
  return `|${suffixes.join(',')}|`;
};

function imgNameLine(first: number): string {
  return `${IMG_NAME}=\${${first}:myimage}\${${first + 1}${suffixChoice()}}`;
}

function hookLines(hook: (typeof HOOKS)[number], tabStop: number): string[] {
  const body = hook.skeleton.map(escapeSnippet).join('\n\t');
  return [`${hook.name}()`, '{', `\t\${${tabStop}:${body}}`, '}'];
}

export function makeimgSnippets(): Record<string, Snippet> {
  const snippets: Record<string, Snippet> = {};

  const skeleton: string[] = [imgNameLine(1), ''];
  let tabStop = 3;
  for (const pair of FILE_ARRAY_PAIRS) {
    skeleton.push(`# ${escapeSnippet(findVariable(pair.src)?.summary ?? STAGE_SPECS[pair.stage].title)}`);
    skeleton.push(`${pair.src}=(\${${tabStop++}})`, `${pair.dst}=(\${${tabStop++}})`, '');
  }
  for (const hook of HOOKS) {
    skeleton.push(`# ${escapeSnippet(hook.summary)}`, ...hookLines(hook, tabStop++), '');
  }
  skeleton.push('$0');
  snippets['image.sh skeleton'] = {
    prefix: ['image.sh', 'makeimg'],
    body: skeleton,
    description: `A complete makeimg image.sh: ${IMG_NAME}, the file arrays and the hooks`,
  };

  return snippets;
}
