/**
 * The facts model: a plain-data description of one image.sh, extracted from
 * its syntax tree in one pass. Rules and editor features (hover, completion,
 * definition/references/rename, symbols, inlay hints, folding, code actions)
 * read facts only, never the tree.
 *
 * Shape (stable; add fields, do not rename):
 *   DocumentFacts
 *     assignments  AssignmentFact[]  every place a variable gets a value:
 *                                   `x=1`, `x=(a b)`, `x+=...`, `a[2]=...`,
 *                                   `local/declare/typeset/readonly/export x[=...]`,
 *                                   `X=1 cmd` (command prefix), `for x in ...`
 *     functions    FunctionFact[]    definitions, with the comment block above
 *     references   ReferenceFact[]   `$x`, `${x}`, `${x:-d}`, `"$x"`, heredocs, arithmetic
 *     commands     CommandFact[]     simple commands whose name is a literal (calls)
 *     sources      SourceFact[]      `source f`, `. f`, `eval ...`: code the analysis cannot see
 *                                   (unless followed: analysis/src/sourced)
 *     syntaxErrors SyntaxErrorFact[] ERROR / MISSING nodes with a readable message
 *     blocks       BlockFact[]       multi-line compound constructs (folding)
 *     comments     CommentFact[]     every comment
 *     encoding     EncodingFacts     CRLF line endings, byte order mark, NUL bytes
 *
 * Every fact carries `function`: the name of the innermost enclosing function
 * definition, or null at the top level.
 *
 * Unknown values: anything whose value or effect depends on running the script
 * (`$(...)`, `$x`, globs, brace expansion, `+=`, loops, conditionals,
 * subshells, `declare -i/-l/-u/-n`, function bodies) is recorded with the
 * reasons in `unknown`; the static value is present only when it is certain.
 * Rules must never guess about unknowns.
 *
 * Positions are zero-based lines and UTF-16 character offsets, as in LSP
 * (lines are separated by '\n'; a lone '\r' is not a line break here).
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Why a value or an assignment's effect cannot be known without running the script. */
export type UnknownReason =
  | 'expansion' // $x, ${x}: depends on another variable
  | 'command-substitution' // $(...) or `...`
  | 'arithmetic' // $((...))
  | 'process-substitution' // <(...)
  | 'glob' // *, ?, [...] in an unquoted word
  | 'brace-expansion' // {a,b} or {1..3}
  | 'tilde' // ~ or ~user
  | 'escape' // $'...' with escapes
  | 'append' // x+=...
  | 'subscript' // a[i]=... sets one element
  | 'declaration-flags' // declare -i / -l / -u / -n / -A ... transform the value
  | 'no-value' // `local x`, `declare -a x`: declared, not assigned
  | 'conditional' // inside if/case/&&/||: may not run
  | 'loop' // inside a loop, or a for loop variable
  | 'subshell' // ( ), $( ), pipelines: does not affect the script
  | 'function' // inside a function body: runs only if called
  | 'command-prefix' // X=1 cmd: only in cmd's environment
  | 'other'; // a construct the analysis does not evaluate

/** One shell word (a scalar value or an array element). */
export interface WordFact {
  /** The source text. */
  text: string;
  range: Range;
  /** The value after quote removal, present only when it is certain. */
  value?: string;
  /** When `value` is unknown: the literal text after the last dynamic part ("" if it ends dynamic). */
  literalSuffix?: string;
  /** Always expands to exactly one word (quoted, or literal without glob/brace). */
  singleWord: boolean;
  /** Empty when `value` is known. */
  unknown: UnknownReason[];
}

export type DeclarationKeyword = 'local' | 'declare' | 'typeset' | 'readonly' | 'export';

export interface AssignmentFact {
  name: string;
  nameRange: Range;
  /** The whole assignment (`name=value`), or the declaration for `local x`. */
  range: Range;
  /** The enclosing statement (e.g. the whole `declare -a x=(...)`), for edits and comments. */
  statementRange: Range;
  kind: 'scalar' | 'array';
  form: 'plain' | 'declaration' | 'command-prefix' | 'for-variable';
  operator: '=' | '+=' | 'none';
  declaration?: DeclarationKeyword;
  /** Option words of the declaration, e.g. ['-a', '-r']. */
  declarationFlags: string[];
  /** The index text of `a[i]=...`. */
  subscript?: string;
  /** The right-hand side as written (the whole `( ... )` for arrays). */
  valueRange?: Range;
  /** Scalar value (absent for arrays and value-less declarations). */
  value?: WordFact;
  /** Array elements in order (absent for scalars). */
  elements?: ArrayElementFact[];
  /** Comment block directly above the statement (top level and function level). */
  comment?: CommentBlock;
  function: string | null;
  /** Empty when the assignment certainly runs and its value is certain. */
  unknown: UnknownReason[];
}

export interface ArrayElementFact extends WordFact {
  /** `[i]=value` elements give their index here. */
  index?: string;
}

export interface CommentBlock {
  /** Comment lines without the leading '#' and one following space, joined by '\n'. */
  text: string;
  range: Range;
}

export interface FunctionFact {
  name: string;
  nameRange: Range;
  /** The whole definition. */
  range: Range;
  /** The body (`{ ... }` or `( ... )`). */
  bodyRange: Range;
  /** Written as `function name ...`. */
  keyword: boolean;
  comment?: CommentBlock;
  /** Enclosing function for nested definitions. */
  function: string | null;
  /** Inside if/case/loop/subshell at its level: may not be defined. */
  conditional: boolean;
}

export interface ReferenceFact {
  name: string;
  /** The variable name inside the expansion. */
  range: Range;
  /** The whole `$x` / `${x...}` (equal to range in arithmetic). */
  expansionRange: Range;
  form: 'simple' | 'braced' | 'arithmetic';
  /** `${x:-d}`, `${x-d}`, `${x:=d}`, `${x:+d}`, `${x:?m}`...: the script handles x being unset. */
  guarded: boolean;
  /** `${x:=d}` / `${x=d}`: also assigns x (when unset or empty). */
  assigns: boolean;
  /** Inside double quotes or a heredoc. */
  quoted: boolean;
  function: string | null;
}

export interface CommandFact {
  /** The command name after quote removal. */
  name: string;
  nameRange: Range;
  /** The whole command including arguments. */
  range: Range;
  /** Arguments as words (values known when static). */
  args: WordFact[];
  function: string | null;
  /** Inside if/case/&&/||/loop: may not run. */
  conditional: boolean;
}

export interface SourceFact {
  kind: 'source' | 'eval';
  range: Range;
  /** Static path of `source PATH` / `. PATH`, when known. */
  path?: string;
  /** The PATH word as written (`"$src_dir/lib.sh"`), for paths built from $src_dir and for underlining. */
  argument?: WordFact;
  function: string | null;
  /** Inside if/case/&&/||/loop: may not run. */
  conditional: boolean;
  /** Set in combined facts (analysis/src/sourced): the file was read and analysed, so nothing it defines is unseen. */
  followed?: true;
}

export interface SyntaxErrorFact {
  kind: 'error' | 'missing';
  /** Where to underline: the offending or missing token. */
  range: Range;
  /** Readable message, e.g. `Syntax error: "if" on line 3 is never closed; add "fi"`. */
  message: string;
  /** The construct that is not closed, when known. */
  openerRange?: Range;
}

export interface BlockFact {
  kind: 'function' | 'if' | 'case' | 'loop' | 'group' | 'subshell' | 'heredoc' | 'array' | 'comments';
  range: Range;
}

export interface CommentFact {
  text: string;
  range: Range;
}

/** What bash trips over in the raw text (see facts/encoding.ts). */
export interface EncodingFacts {
  /** The text starts with U+FEFF (a UTF-8 byte order mark). */
  bom: boolean;
  /**
   * The text has no byte order mark but the file on disk starts with one:
   * editors drop the mark when they decode the file (VS Code shows "UTF-8
   * with BOM"), so only the server's look at the file finds it.
   */
  bomOnDisk?: boolean;
  /** Each '\r\n' line break, from the '\r' to the start of the next line (the first 100,000). */
  crlf: Range[];
  crlfCount: number;
  nulCount: number;
  /** The first NUL character. */
  firstNul?: Range;
}

export interface DocumentFacts {
  assignments: AssignmentFact[];
  functions: FunctionFact[];
  references: ReferenceFact[];
  commands: CommandFact[];
  sources: SourceFact[];
  syntaxErrors: SyntaxErrorFact[];
  /** More syntax errors existed than were recorded (binary garbage). */
  syntaxErrorsTruncated: boolean;
  blocks: BlockFact[];
  comments: CommentFact[];
  encoding: EncodingFacts;
  /** Number of lines of the document ('\n'-separated). */
  lineCount: number;
  /**
   * Set when a build with a time budget (FactsBuilder.buildWithin) did not
   * walk some statements yet: their ranges. Their facts are those of their
   * last version (positions after an edit inside them may be off).
   */
  outdated?: Range[];
  /**
   * Set when the positions were converted to an editor's lines (which also
   * break at a lone '\r'): the script's line (as bash counts it, zero-based)
   * of each editor line. Messages name the script's lines (see `scriptLineNumber`).
   */
  scriptLines?: number[];
  /**
   * Set on the combined facts of an image.sh and the files it sources
   * (analysis/src/sourced): the sourced files and how each `source` resolved.
   * Facts from sourced files are in the arrays above at virtual lines
   * (see `SOURCED_LINE_BASE`); `locate` maps them back.
   */
  sourced?: SourcedFacts;
}

/** Facts of sourced file k sit at lines (k + 1) * SOURCED_LINE_BASE + their own line. */
export const SOURCED_LINE_BASE = 10_000_000;

export interface SourcedFile {
  /** Absolute path. */
  path: string;
  /** Relative to the image.sh directory ('/'-separated). */
  relativePath: string;
  /** Its facts in its own coordinates. */
  facts: DocumentFacts;
  /** Added to its lines in the combined facts. */
  lineBase: number;
  /** The `source` statement in image.sh through which it is (first) read. */
  via: Range;
}

export interface SourceResolution {
  /** The statement (combined coordinates). */
  source: SourceFact;
  /**
   * file: read and analysed; missing / not-a-file / outside: see MKIMG017;
   * dynamic: the path depends on running the script (silent); ignored: `# shellcheck source=/dev/null`.
   */
  kind: 'file' | 'missing' | 'not-a-file' | 'outside' | 'dynamic' | 'ignored';
  /** The path as the script names it (after $src_dir), when static. */
  written?: string;
  /** Relative to the image.sh directory, when inside it. */
  relativePath?: string;
  /** From a `# shellcheck source=` directive. */
  directive?: boolean;
}

export interface SourcedFacts {
  files: SourcedFile[];
  resolutions: SourceResolution[];
}
