/**
 * Snippets for image.sh, generated from the contract: a complete skeleton,
 * img_name with the supported suffixes, each hook, each file array pair.
 */
import {
  EXAMPLE_IMAGE_SUFFIX,
  FILE_ARRAY_PAIRS,
  HOOKS,
  IMAGE_SUFFIXES,
  IMG_DIR,
  IMG_NAME,
  SRC_DIR,
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
  const suffixes = IMAGE_SUFFIXES.map((s) => s.suffix).sort((a, b) => Number(b === EXAMPLE_IMAGE_SUFFIX) - Number(a === EXAMPLE_IMAGE_SUFFIX));
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

  snippets[IMG_NAME] = {
    prefix: IMG_NAME,
    body: [imgNameLine(1)],
    description: `${findVariable(IMG_NAME)?.summary ?? IMG_NAME}; the suffix picks the archive format`,
  };

  for (const hook of HOOKS) {
    snippets[hook.name] = { prefix: hook.name, body: [...hookLines(hook, 1), '$0'], description: hook.summary };
  }

  for (const pair of FILE_ARRAY_PAIRS) {
    const prefix = pair.src.replace(/_src$/, '');
    snippets[prefix] = {
      prefix,
      body: [`${pair.src}=(\${1:file})`, `${pair.dst}=(\${2:path/in/image})`, '$0'],
      description: `${STAGE_SPECS[pair.stage].title}: copy \${${SRC_DIR}}/src[i] to \${${IMG_DIR}}/dst[i]`,
    };
  }
  return snippets;
}
