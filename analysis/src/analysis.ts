/**
 * text -> facts -> findings, without LSP: used by the server, the
 * command-line linter and tests.
 */
import { confirmedSyntax } from './bash-syntax';
import { encodingOf, extractFacts, type DocumentFacts } from './facts';
import { getParser, parseText, parseWith, type Parser } from './parser';
import { withoutSilenced } from './rules/directives';
import { checkRule, ENCODING_RULES, RULES, type Finding, type Rule, type SourceFiles } from './rules';
import { anchorFindings, combineSourced, diskLoader } from './sourced';

export interface AnalysisOptions {
  /** Rule codes not to run (e.g. "MKIMG010"). */
  disabledRules?: readonly string[];
  /** Called when a rule throws; the other rules still run. */
  onRuleError?: (rule: Rule, error: unknown) => void;
  /** The files next to the image.sh (file-existence rules run only with it). */
  files?: SourceFiles;
  /** Drop syntax errors that `bash -n` accepts (bash-syntax.ts); analyzeText and analyzeImage only. */
  confirmSyntaxWithBash?: boolean;
}

/** Run every enabled rule over the facts; findings sorted by position. */
export function runRules(facts: DocumentFacts, options: AnalysisOptions = {}): Finding[] {
  const disabled = new Set(options.disabledRules ?? []);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (disabled.has(rule.code)) continue;
    try {
      findings.push(...checkRule(rule, { facts, files: options.files }));
    } catch (error) {
      options.onRuleError?.(rule, error);
    }
  }
  return withoutSilenced(facts, findings).sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

export interface Analysis {
  facts: DocumentFacts;
  findings: Finding[];
}

/** Parse a whole text and extract its facts (the tree is freed before returning). */
export async function factsOfText(text: string): Promise<DocumentFacts> {
  const tree = await parseText(text);
  try {
    return extractFacts(tree, text);
  } finally {
    tree.delete();
  }
}

/** Parse and analyse a whole text. */
export async function analyzeText(text: string, options: AnalysisOptions = {}): Promise<Analysis> {
  const parsed = await factsOfText(text);
  const facts = options.confirmSyntaxWithBash ? await confirmedSyntax(parsed, text) : parsed;
  return { facts, findings: runRules(facts, options) };
}

/**
 * The findings about the raw text only (CRLF line endings, byte order mark,
 * NUL bytes), without parsing: the pipeline refuses such an image.sh with
 * the editor's words.
 */
export function encodingFindings(text: string): Finding[] {
  const facts: DocumentFacts = {
    assignments: [],
    functions: [],
    references: [],
    commands: [],
    sources: [],
    syntaxErrors: [],
    syntaxErrorsTruncated: false,
    blocks: [],
    comments: [],
    encoding: encodingOf(text),
    lineCount: 0,
  };
  return ENCODING_RULES.flatMap((rule) => checkRule(rule, { facts }));
}

/** Facts of a whole text with a loaded parser (synchronous: for sourced files read while analysing). */
export function factsWithParser(parser: Parser, text: string): DocumentFacts {
  const tree = parseWith(parser, text, null);
  try {
    return extractFacts(tree, text);
  } finally {
    tree.delete();
  }
}

/**
 * Analyse an image.sh on disk at `imagePath` (absolute) with the files it
 * sources, read from disk: findings in image.sh coordinates (those in a
 * sourced file are anchored at the line that sources it). What the editor
 * reports for the same files.
 */
export async function analyzeImage(text: string, imagePath: string, options: AnalysisOptions = {}): Promise<Analysis> {
  const parser = await getParser();
  const main = factsWithParser(parser, text);
  const combined = combineSourced(
    main,
    imagePath,
    diskLoader((_, sourced) => factsWithParser(parser, sourced)),
  );
  const facts = options.confirmSyntaxWithBash ? await confirmedSyntax(combined, text) : combined;
  return { facts, findings: anchorFindings(runRules(facts, options), facts) };
}
