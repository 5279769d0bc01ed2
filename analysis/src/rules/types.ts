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

/** A finding before the registry stamps the rule's code and severity on it. */
export type RuleFinding = Omit<Finding, 'code' | 'severity'>;

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

export interface Rule {
  /** Stable code, e.g. MKIMG001; documented in docs/server.md. */
  code: string;
  severity: Severity;
  /** One line: what the rule catches. */
  title: string;
  check(ctx: RuleContext): RuleFinding[];
}

export const DOCUMENT_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
