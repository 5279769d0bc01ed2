/** Node type names and whether each is named, by type id, per language: one wasm call per node instead of two. */
import type { Language } from 'web-tree-sitter';

export interface TypeTable {
  names: string[];
  named: boolean[];
}
const typeTables = new WeakMap<Language, TypeTable>();

export function typeTableOf(language: Language): TypeTable {
  let table = typeTables.get(language);
  if (!table) {
    // ERROR nodes have the id 65535, outside this table: the walk maps unknown ids to 'ERROR'.
    const names = language.types.map((t) => t ?? '');
    table = { names, named: names.map((_, id) => language.nodeTypeIsNamed(id)) };
    typeTables.set(language, table);
  }
  return table;
}
