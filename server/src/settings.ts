/** Server settings per document, read through workspace/configuration and cached until they change. */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SERVER_SETTINGS, SETTINGS_SECTION, type ServerSettings } from '../../shared/ids-and-settings';

export class SettingsCache {
  private readonly byUri = new Map<string, Promise<ServerSettings>>();

  constructor(
    private readonly connection: Connection,
    /** The client answers workspace/configuration. */
    private readonly supported: boolean,
  ) {}

  get(uri: string): Promise<ServerSettings> {
    if (!this.supported) return Promise.resolve(DEFAULT_SERVER_SETTINGS);
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(normalizeSettings, (error: unknown) => {
          this.connection.console.error(`makeimg: cannot read settings: ${String(error)}`);
          return DEFAULT_SERVER_SETTINGS;
        });
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  clear(): void {
    this.byUri.clear();
  }
}

/*
 * Validated by hand, not with a schema library: zod's module takes about
 * 40 ms to load and compile on its first use, on the way to a freshly
 * started server's first diagnostics, for five plain settings.
 */
const defaults = DEFAULT_SERVER_SETTINGS;
type Section = Record<string, unknown>;
/** A section that is not an object counts as empty: each of its settings then takes its default. */
const section = (value: unknown): Section =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Section) : {};
const flag = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
/** Non-string rule codes are dropped; a value that is not a list counts as none. */
const codes = (value: unknown, fallback: string[]): string[] =>
  Array.isArray(value) ? value.filter((c): c is string => typeof c === 'string') : [...fallback];

/**
 * The settings as the client sent them, validated: each setting of the wrong
 * type takes its default (one wrong setting does not discard the others);
 * non-string rule codes are dropped. Whatever the client sent, completed
 * with defaults.
 */
export function normalizeSettings(raw: unknown): ServerSettings {
  const all = section(raw);
  const shellcheck = section(all.shellcheck);
  const format = section(all.format);
  const f = defaults.format;
  return {
    disabledRules: codes(all.disabledRules, defaults.disabledRules),
    shellcheck: {
      enable: flag(shellcheck.enable, defaults.shellcheck.enable),
      path: text(shellcheck.path, defaults.shellcheck.path),
    },
    maxNumberOfProblems: count(all.maxNumberOfProblems, defaults.maxNumberOfProblems),
    format: {
      binaryNextLine: flag(format.binaryNextLine, f.binaryNextLine),
      switchCaseIndent: flag(format.switchCaseIndent, f.switchCaseIndent),
      spaceRedirects: flag(format.spaceRedirects, f.spaceRedirects),
      functionNextLine: flag(format.functionNextLine, f.functionNextLine),
      simplify: flag(format.simplify, f.simplify),
    },
  };
}
