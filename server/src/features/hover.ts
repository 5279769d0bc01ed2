/**
 * Hover: what a name means to makeimg (from the contract), where user
 * functions and variables are defined and what the comment above them says,
 * and where an element of a file array is copied to or from.
 */
import type { Hover } from 'vscode-languageserver';
import {
  ARCHIVE_SUFFIX_PREFIX,
  classifyImageName,
  findHook,
  findProvided,
  findVariable,
  HOOKS,
  IMG_NAME,
  NON_HOOKS,
  PLACE_DOCS,
  STAGE_SPECS,
  STAGES,
  type HookSpec,
  type ProvidedVariableSpec,
  type StageName,
  type VariableSpec,
} from '../../../shared/contract';
import { callParents, chainText, type CommentBlock, type DocumentFacts, type Position, type Range } from '../../../analysis/src/facts';
import { placeText } from '../../../analysis/src/sourced';
import { destinationPath, elementText, fileElementAt, partnerOf, sourcePath, type FileElementAt } from './file-pairs';
import { definitions, localScopes, symbolAt, type SymbolAt } from './occurrences';
import { touches, type LineText } from './positions';

const MAX_LINE_CHARS = 160;

export function hover(facts: DocumentFacts, position: Position, lineText: LineText): Hover | null {
  const symbol = symbolAt(facts, position);
  if (symbol) {
    const text = symbol.kind === 'function' ? functionHover(facts, symbol, lineText) : variableHover(facts, symbol, lineText);
    return text ? markdown(text, symbol.range) : null;
  }
  const element = fileElementAt(facts, position);
  return element ? markdown(fileElementHover(facts, element), element.element.range) : null;
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

const paragraphs = (...parts: (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join('\n\n');
const fence = (code: string): string => '```sh\n' + code + '\n```';

function stageText(stage: StageName): string {
  const spec = STAGE_SPECS[stage];
  return `**Stage:** ${spec.title} (${STAGES.indexOf(stage) + 1} of ${STAGES.length}). ${spec.doc}`;
}

function commentText(comment: CommentBlock | undefined): string | undefined {
  return comment?.text.split('\n').join('  \n');
}

function definitionLine(lineText: LineText, range: Range): string {
  const line = lineText(range.start.line).trim();
  return line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) + ' ...' : line;
}

// ---- variables ----------------------------------------------------------

function variableHover(facts: DocumentFacts, symbol: SymbolAt, lineText: LineText): string | undefined {
  const contract = findVariable(symbol.name);
  if (contract) return contractVariableHover(facts, contract);
  const provided = findProvided(symbol.name);
  if (provided) return providedHover(facts, provided, symbol);
  const defs = definitions(facts, symbol);
  if (defs.length === 0) return undefined;
  const here = defs.find((d) => touches(d.range, symbol.range.start)) ?? defs[0];
  const comment = facts.assignments.find((a) => a.nameRange === here.range)?.comment;
  const owner = symbol.function !== null && localScopes(facts, symbol.name).has(symbol.function) ? symbol.function : null;
  const others = defs.length - 1;
  const where =
    `Assigned on ${placeText(facts, here.range, symbol.range.start.line)}` +
    (others > 0 ? ` and ${others} other place${others === 1 ? '' : 's'}` : '') +
    (owner !== null ? `, local to \`${owner}()\`` : '');
  return paragraphs(fence(definitionLine(lineText, here.range)), commentText(comment), where);
}

function contractVariableHover(facts: DocumentFacts, spec: VariableSpec): string {
  return paragraphs(
    `**${spec.name}** (makeimg ${spec.kind === 'array' ? 'array' : 'variable'}): ${spec.summary}`,
    spec.doc,
    spec.name === IMG_NAME ? imageNameVerdict(facts) : undefined,
    stageText(spec.stage),
    fence(spec.example),
  );
}

/** What this file's img_name produces, when its value is certain. */
function imageNameVerdict(facts: DocumentFacts): string | undefined {
  const values = facts.assignments.filter((a) => a.name === IMG_NAME && a.function === null);
  if (values.length !== 1 || values[0].value?.value === undefined) return undefined;
  const name = values[0].value.value;
  const kind = classifyImageName(name);
  const verdict =
    kind.kind === 'archive'
      ? `a ${kind.suffix.description}`
      : kind.kind === 'directory'
        ? `a directory (no \`${ARCHIVE_SUFFIX_PREFIX}*\` suffix: the rootfs is not archived)`
        : `an unsupported suffix \`${kind.suffix}\`${kind.suggestion ? ` (did you mean \`${kind.suggestion}\`?)` : ''}`;
  return `**This image:** \`${name}\` is ${verdict}.`;
}

function providedHover(facts: DocumentFacts, spec: ProvidedVariableSpec, symbol: SymbolAt): string {
  const hooksIn = (inside: boolean) => HOOKS.filter((h) => spec.availableIn.includes(h.runsIn) === inside);
  const names = (hooks: HookSpec[]) => hooks.map((h) => `\`${h.name}()\``).join(', ');
  const available = spec.availableIn.map((p) => PLACE_DOCS[p].title).join(', ');
  const missing = hooksIn(false);
  return paragraphs(
    `**$${spec.name}**: ${spec.summary} (set by makeimg)`,
    spec.doc,
    `**Available:** ${available} (${names(hooksIn(true))}).` +
      (missing.length > 0 ? ` **Not available** in ${names(missing)}, which runs ${PLACE_DOCS[missing[0].runsIn].title}.` : ''),
    unavailableHere(facts, spec, symbol),
    spec.example ? fence(spec.example) : undefined,
  );
}

/** A warning when this use sits in a hook (or a function it calls) that runs where the variable does not exist. */
function unavailableHere(facts: DocumentFacts, spec: ProvidedVariableSpec, symbol: SymbolAt): string | undefined {
  if (symbol.function === null) return undefined;
  for (const hook of HOOKS) {
    if (spec.availableIn.includes(hook.runsIn)) continue;
    if (!callParents(facts, hook.name).has(symbol.function)) continue;
    const via = symbol.function === hook.name ? '' : ` (called from \`${hook.name}()\`)`;
    return `**Warning:** this use is in \`${symbol.function}()\`${via}, which runs ${PLACE_DOCS[hook.runsIn].title}: $${spec.name} is empty there.`;
  }
  return undefined;
}

// ---- functions ----------------------------------------------------------

function functionHover(facts: DocumentFacts, symbol: SymbolAt, lineText: LineText): string | undefined {
  const defs = facts.functions.filter((f) => f.name === symbol.name);
  const here = defs.find((f) => f.nameRange === symbol.range) ?? defs[0];
  const hook = findHook(symbol.name);
  if (hook) {
    return paragraphs(
      `**${hook.name}()** (makeimg hook): ${hook.summary}`,
      hook.doc,
      stageText(hook.stage),
      `**Runs:** ${PLACE_DOCS[hook.runsIn].title}.`,
      fence(hookExample(hook)),
      here ? paragraphs(commentText(here.comment), `Defined on ${placeText(facts, here.nameRange, symbol.range.start.line)}`) : undefined,
    );
  }
  const nonHook = NON_HOOKS.find((n) => n.name === symbol.name);
  if (!here) return nonHook ? paragraphs(`**${nonHook.name}()**: not a makeimg hook`, nonHook.reason) : undefined;
  const others = defs.length - 1;
  return paragraphs(
    fence(definitionLine(lineText, here.nameRange)),
    nonHook ? `**Not a makeimg hook:** ${nonHook.reason}` : undefined,
    commentText(here.comment),
    `Defined on ${placeText(facts, here.nameRange, symbol.range.start.line)}` +
      (others > 0 ? ` (and ${others} more time${others === 1 ? '' : 's'})` : ''),
    whereItRuns(facts, symbol.name),
  );
}

function hookExample(hook: HookSpec): string {
  return [`${hook.name}()`, '{', ...hook.skeleton.map((l) => `    ${l}`), '}'].join('\n');
}

/** Which hooks call the function (directly or not), and so where it runs. */
function whereItRuns(facts: DocumentFacts, name: string): string | undefined {
  const lines: string[] = [];
  for (const hook of HOOKS) {
    const parents = callParents(facts, hook.name);
    if (!parents.has(name)) continue;
    const via = chainText(hook.name, parents, name);
    lines.push(`**Runs:** ${PLACE_DOCS[hook.runsIn].title} (${via})`);
  }
  return lines.length > 0 ? lines.join('  \n') : undefined;
}

// ---- file array elements --------------------------------------------------

function fileElementHover(facts: DocumentFacts, at: FileElementAt): string {
  const self = `${at.assignment.name}[${at.index}]`;
  const stage = STAGE_SPECS[at.pair.stage].title.toLowerCase();
  const partner = partnerOf(facts, at);
  const partnerName = at.role === 'src' ? at.pair.dst : at.pair.src;
  let body: string;
  switch (partner.kind) {
    case 'element': {
      const [from, to] = at.role === 'src' ? [at.element, partner.element] : [partner.element, at.element];
      const other = `\`${partnerName}[${partner.index}]\`, ${placeText(facts, partner.element.range, at.element.range.start.line)}`;
      body =
        at.role === 'src'
          ? `Copied to \`${destinationPath(to)}\` (${other}) in the ${stage} stage.`
          : `Copied from \`${sourcePath(from)}\` (${other}) in the ${stage} stage.`;
      break;
    }
    case 'missing':
      body =
        `**No ${at.role === 'src' ? 'destination' : 'source'}:** \`${partnerName}\` (${placeText(facts, partner.assignment.nameRange, at.element.range.start.line)}) ` +
        `has only ${partner.count} element${partner.count === 1 ? '' : 's'}.`;
      break;
    case 'unassigned':
      body = `**No ${at.role === 'src' ? 'destination' : 'source'}:** \`${partnerName}\` is not set.`;
      break;
    case 'unknown':
      body = `The paired element of \`${partnerName}\` depends on running the script: ${partner.reason}.`;
      break;
  }
  const value = elementText(at.element);
  const where = at.role === 'src' ? `\`${sourcePath(at.element)}\`` : `\`${destinationPath(at.element)}\``;
  return paragraphs(`**${self}**: ${value === at.element.text ? where : `${where} (\`${at.element.text}\`)`}`, body);
}
