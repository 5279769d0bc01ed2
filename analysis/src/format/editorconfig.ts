/**
 * The EditorConfig properties that apply to a file (https://editorconfig.org):
 * `.editorconfig` files from the file's directory upwards until one says
 * `root = true`; nearer files and later sections win. shfmt's language
 * sections `[[bash]]` and `[[shell]]` match image.sh too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export type EditorConfigProperties = Record<string, string>;

interface Section {
  pattern: string;
  properties: EditorConfigProperties;
}

interface ParsedFile {
  root: boolean;
  sections: Section[];
}

function parse(text: string): ParsedFile {
  const file: ParsedFile = { root: false, sections: [] };
  let current: Section | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      current = { pattern: header[1], properties: {} };
      file.sections.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (current) current.properties[key] = value.toLowerCase();
    else if (key === 'root') file.root = value.toLowerCase() === 'true';
  }
  return file;
}

/** An EditorConfig glob as a regular expression over '/'-separated paths. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        out += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      const body = end < 0 ? '' : glob.slice(i + 1, end);
      const range = /^(-?\d+)\.\.(-?\d+)$/.exec(body);
      if (end < 0) out += '\\{';
      else if (range) {
        const [lo, hi] = [Number(range[1]), Number(range[2])].sort((a, b) => a - b);
        const numbers: string[] = [];
        for (let n = lo; n <= hi && numbers.length < 1000; n++) numbers.push(String(n));
        out += `(?:${numbers.join('|')})`;
        i = end;
      } else if (body.includes(',')) {
        out += `(?:${body
          .split(',')
          .map((part) => globToRegExp(part).source.slice(1, -1))
          .join('|')})`;
        i = end;
      } else {
        out += `\\{${escapeLiteral(body)}\\}`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeLiteral(glob[++i]);
    } else out += escapeLiteral(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(text: string): string {
  return text.replace(/[\\\]^]/g, '\\$&');
}

/** Whether a section header applies to `path` (relative to the .editorconfig's directory, '/'-separated). */
function sectionMatches(pattern: string, path: string): boolean {
  if (pattern === '[bash]' || pattern === '[shell]') return true; // shfmt's [[bash]] / [[shell]]
  let glob = pattern;
  if (glob.startsWith('/')) glob = glob.slice(1);
  else if (!glob.includes('/')) glob = `**/${glob}`;
  // `**/x` also matches `x` at the top.
  return globToRegExp(glob).test(path) || (glob.startsWith('**/') && globToRegExp(glob.slice(3)).test(path));
}

/** The properties for `file` (absolute), or {} when no .editorconfig applies. Read from disk on each call. */
export function editorConfigFor(file: string): EditorConfigProperties {
  const layers: EditorConfigProperties[] = [];
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(directory, '.editorconfig'), 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      const parsed = parse(text);
      const path = relative(directory, file).split(sep).join('/');
      const properties: EditorConfigProperties = {};
      for (const section of parsed.sections) {
        if (sectionMatches(section.pattern, path)) Object.assign(properties, section.properties);
      }
      layers.unshift(properties);
      if (parsed.root) break;
    }
    if (dirname(directory) === directory) break;
  }
  const merged: EditorConfigProperties = Object.assign({}, ...layers);
  for (const key of Object.keys(merged)) if (merged[key] === 'unset') delete merged[key];
  return merged;
}
