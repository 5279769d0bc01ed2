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

/** Whatever the client sent, completed with defaults; wrong types are ignored. */
function normalizeSettings(raw: unknown): ServerSettings {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof ServerSettings, unknown>>;
  const shellcheck = (input.shellcheck && typeof input.shellcheck === 'object' ? input.shellcheck : {}) as Record<string, unknown>;
  const format = (input.format && typeof input.format === 'object' ? input.format : {}) as Record<string, unknown>;
  const flag = (key: keyof ServerSettings['format']) =>
    typeof format[key] === 'boolean' ? (format[key] as boolean) : DEFAULT_SERVER_SETTINGS.format[key];
  return {
    disabledRules: Array.isArray(input.disabledRules)
      ? input.disabledRules.filter((c): c is string => typeof c === 'string')
      : DEFAULT_SERVER_SETTINGS.disabledRules,
    shellcheck: {
      enable: typeof shellcheck.enable === 'boolean' ? shellcheck.enable : DEFAULT_SERVER_SETTINGS.shellcheck.enable,
      path: typeof shellcheck.path === 'string' ? shellcheck.path : DEFAULT_SERVER_SETTINGS.shellcheck.path,
    },
    maxNumberOfProblems:
      typeof input.maxNumberOfProblems === 'number' && input.maxNumberOfProblems >= 0
        ? Math.floor(input.maxNumberOfProblems)
        : DEFAULT_SERVER_SETTINGS.maxNumberOfProblems,
    format: {
      binaryNextLine: flag('binaryNextLine'),
      switchCaseIndent: flag('switchCaseIndent'),
      spaceRedirects: flag('spaceRedirects'),
      functionNextLine: flag('functionNextLine'),
      simplify: flag('simplify'),
    },
  };
}
