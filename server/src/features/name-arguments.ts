/**
 * Variable names written as plain arguments of builtins: `read -r x`,
 * `read -a arr`, `mapfile -t arr`, `printf -v x`. Rename and references must
 * include them, or a rename leaves the script reading a variable nobody sets.
 * (`unset x` is its own node in tree-sitter-bash and not in the facts.)
 */
import type { CommandFact, DocumentFacts, Range } from '../../../analysis/src/facts';
import { spansExactly } from './positions';

/** A variable name given to a builtin that sets it. */
export interface NameArgument {
  name: string;
  range: Range;
  function: string | null;
}

/** Options of each builtin that take a value (the next word is not a name). */
const OPTIONS_WITH_VALUE: Record<string, string> = { read: 'dinNptu', mapfile: 'dnOsuCc', readarray: 'dnOsuCc', printf: '' };
/** Options whose value is the variable name. */
const NAME_OPTIONS: Record<string, string> = { read: 'a', printf: 'v' };
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function nameArguments(facts: DocumentFacts): NameArgument[] {
  const found: NameArgument[] = [];
  for (const c of facts.commands) {
    if (Object.hasOwn(OPTIONS_WITH_VALUE, c.name)) collect(c, found);
  }
  return found;
}

function collect(c: CommandFact, found: NameArgument[]): void {
  const takesValue = OPTIONS_WITH_VALUE[c.name];
  const namesValue = Object.hasOwn(NAME_OPTIONS, c.name) ? NAME_OPTIONS[c.name] : '';
  let expectValue: 'skip' | 'name' | undefined;
  const operands: CommandFact['args'] = [];
  const add = (word: CommandFact['args'][number]) => {
    if (word.value === undefined || !NAME.test(word.value) || !spansExactly(word.range, word.value.length)) return;
    found.push({ name: word.value, range: word.range, function: c.function });
  };
  let endOfOptions = false;
  for (const word of c.args) {
    const text = word.value;
    if (expectValue) {
      if (expectValue === 'name') add(word);
      expectValue = undefined;
      continue;
    }
    if (!endOfOptions && text === '--') {
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && text !== undefined && /^-[A-Za-z]+$/.test(text)) {
      // The last letter of a cluster (`-rp`) may take the next word as its value.
      const last = text[text.length - 1];
      if (namesValue.includes(last)) expectValue = 'name';
      else if (takesValue.includes(last)) expectValue = 'skip';
      continue;
    }
    operands.push(word);
  }
  if (c.name === 'printf') return; // its operands are the format and values
  if (c.name === 'mapfile' || c.name === 'readarray') {
    if (operands.length > 0) add(operands[operands.length - 1]);
    return;
  }
  for (const word of operands) add(word);
}
