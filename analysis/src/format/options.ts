/**
 * Which shfmt options format a file: the file's .editorconfig where shfmt
 * would read it (indent_style/indent_size and shfmt's own keys), else the
 * editor's indentation and the makeimg.format.* settings, else shfmt's
 * defaults.
 */
import type { FormatSettings } from '../../../shared/ids-and-settings';
import type { EditorConfigProperties } from './editorconfig';
import { SHFMT_DEFAULTS, type ShfmtOptions } from './shfmt';

/** The makeimg.format.* settings (everything shfmt has a flag for, except the indentation). */
export type { FormatSettings } from '../../../shared/ids-and-settings';

/** The editor's indentation (LSP FormattingOptions). */
export interface EditorIndentation {
  tabSize: number;
  insertSpaces: boolean;
}

/** shfmt's EditorConfig keys, by option. */
const EDITORCONFIG_KEYS: Record<keyof FormatSettings, string> = {
  binaryNextLine: 'binary_next_line',
  switchCaseIndent: 'switch_case_indent',
  spaceRedirects: 'space_redirects',
  functionNextLine: 'function_next_line',
  simplify: 'simplify',
};

export function resolveShfmtOptions(sources: {
  editorConfig?: EditorConfigProperties;
  editor?: EditorIndentation;
  settings?: Partial<FormatSettings>;
}): ShfmtOptions {
  const editorConfig = sources.editorConfig ?? {};
  const options: ShfmtOptions = { ...SHFMT_DEFAULTS };
  if (sources.editor) options.indent = sources.editor.insertSpaces ? Math.max(1, Math.floor(sources.editor.tabSize)) : 0;
  const style = editorConfig.indent_style;
  if (style === 'tab') options.indent = 0;
  else if (style === 'space') {
    // As shfmt: spaces without a size are 8.
    const size = Number(editorConfig.indent_size);
    options.indent = Number.isInteger(size) && size > 0 ? size : 8;
  }
  for (const key of Object.keys(EDITORCONFIG_KEYS) as (keyof FormatSettings)[]) {
    const fromFile = editorConfig[EDITORCONFIG_KEYS[key]];
    const fromSettings = sources.settings?.[key];
    if (fromFile === 'true' || fromFile === 'false') options[key] = fromFile === 'true';
    else if (typeof fromSettings === 'boolean') options[key] = fromSettings;
  }
  return options;
}
