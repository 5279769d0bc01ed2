/**
 * Request parameters are checked before a handler reads them: a client that
 * sends `{}` or a position with a negative line gets -32602 (InvalidParams)
 * saying what is wrong, not -32603 from a TypeError deep inside a feature.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

function isPosition(value: unknown): boolean {
  const p = value as { line?: unknown; character?: unknown } | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isInteger(p.line) &&
    Number.isInteger(p.character) &&
    (p.line as number) >= 0 &&
    (p.character as number) >= 0
  );
}

function isRange(value: unknown): boolean {
  const r = value as { start?: unknown; end?: unknown } | null;
  return typeof r === 'object' && r !== null && isPosition(r.start) && isPosition(r.end);
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

/** Throws InvalidParams unless `params` names a document (and a valid `position`/`range` where the request has one). */
export function checkDocumentParams(params: unknown, needs: { position?: boolean; range?: boolean } = {}): void {
  const p = params as { textDocument?: { uri?: unknown }; position?: unknown; range?: unknown } | null;
  if (typeof p !== 'object' || p === null) throw invalid('params must be an object');
  if (typeof p.textDocument?.uri !== 'string') throw invalid('params.textDocument.uri must be a string');
  if ((needs.position || p.position !== undefined) && !isPosition(p.position)) {
    throw invalid('params.position must be {line, character} with non-negative integers');
  }
  if ((needs.range || p.range !== undefined) && !isRange(p.range)) {
    throw invalid('params.range must be {start, end} positions with non-negative integers');
  }
}

/** Throws InvalidParams unless `params` is an object with a string `query` (workspace/symbol). */
export function checkQueryParams(params: unknown): void {
  const p = params as { query?: unknown } | null;
  if (typeof p !== 'object' || p === null || typeof p.query !== 'string') throw invalid('params.query must be a string');
}
