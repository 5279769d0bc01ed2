/**
 * What a rule is and what it reports. Findings are plain data: the server
 * turns them into LSP diagnostics, the command-line linter into
 * `file:line:col` lines, and `data` feeds quick fixes.
 */
import type { DocumentFacts, Range } from '../facts';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInfo {
  range: Range;
  message: string;
  /** Absolute path of a sourced file the range is in (absent: the image.sh itself). */
  file?: string;
}

/** Machine-readable hints for a quick fix; each rule documents which it sends. */
export type FixData =
  /** Insert a top-level assignment (img_name missing, the other array of a pair missing). */
  | { kind: 'insert-assignment'; name: string; text: string; after?: Range }
  /** Insert a hook skeleton (do_install missing). */
  | { kind: 'insert-function'; name: string; text: string }
  /** Replace `range` (a misspelled name, an unsupported suffix, a scalar that should be an array). */
  | { kind: 'replace'; range: Range; newText: string }
  /** A source file that does not exist: create it (`path` is relative to the image.sh directory). */
  | { kind: 'create-file'; path: string }
  /** Edits that need no other context (CRLF line breaks to LF, removing a byte order mark). */
  | { kind: 'edits'; title: string; edits: { range: Range; newText: string }[] }
  /** The arrays of a pair differ in length; `shorter` needs `missing` more elements. */
  | { kind: 'pair-mismatch'; src: string; dst: string; srcCount: number; dstCount: number; shorter: string; missing: number };

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedInfo[];
  /** 'unnecessary': code that never runs (editors fade it). */
  tags?: 'unnecessary'[];
  data?: FixData;
}

/** A finding before the registry stamps the rule's code and severity on it (`severity` only to lower it for one finding). */
export type RuleFinding = Omit<Finding, 'code' | 'severity'> & { severity?: Severity };

/** What is on disk next to the image.sh, for rules about the files it copies. */
export interface SourceFiles {
  /** What `relativePath` (relative to the image.sh directory, normalized) is. */
  kind(relativePath: string): 'file' | 'directory' | 'other' | 'missing';
}

export interface RuleContext {
  facts: DocumentFacts;
  /** Absent when the document has no directory on disk (unsaved, remote): file rules then stay silent. */
  files?: SourceFiles;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix as data: edits of the document (and a file to create, relative to the image.sh directory). */
export interface RuleFix {
  title: string;
  edits: TextEdit[];
  createFile?: string;
  /** Not the obvious fix (e.g. "Add img_name" while a misspelled img_name exists). */
  notPreferred?: boolean;
  /** Cannot change what the user meant: applied by "Fix all" (source.fixAll.makeimg, e.g. on save). */
  safe?: boolean;
  /**
   * A command of the editor, run with the document's URI, for a fix no text
   * edit can make (e.g. the document's language). The language server sends
   * it as the code action's command; the client registers it.
   */
  command?: { command: string };
}

/** What a fix may read besides its finding. */
export interface FixContext {
  facts: DocumentFacts;
  /** The document's lines, numbered as the facts' positions are, without their line breaks. */
  lines: readonly string[];
}

/** The documentation of a rule: the rule tables and docs/rules/<code>.md are generated from it. */
export interface RuleDocs {
  /** One line: what the rule catches. */
  summary: string;
  /** Why it matters: what goes wrong in the build or in the image. */
  why: string;
  /** How to fix it. */
  howToFix: string;
  /** An image.sh excerpt that the rule reports, and the same excerpt fixed. */
  example: { bad: string; good: string };
}

export interface Rule {
  /** Stable code, e.g. MKIMG001. */
  code: string;
  severity: Severity;
  docs: RuleDocs;
  check(ctx: RuleContext): RuleFinding[];
  /** The words of the finding, for checks elsewhere (the pipeline's validation) that must say the same. */
  message?: (...args: never[]) => string;
  /** The quick fix of one of this rule's findings (from its `data`), if it has one. */
  fix?(finding: Finding, ctx: FixContext): RuleFix | undefined;
}

export const DOCUMENT_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
