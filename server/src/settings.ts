/** Server settings per document, read through workspace/configuration and cached until they change. */
import type { Connection } from 'vscode-languageserver';
import { z } from 'zod';
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

const defaults = DEFAULT_SERVER_SETTINGS;
/** A section that is not an object counts as empty: each of its settings then takes its default. */
const section = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}), z.object(shape));
const flag = (fallback: boolean) => z.boolean().catch(fallback);

/**
 * The settings as the client sent them, validated: each setting of the wrong
 * type takes its default (one wrong setting does not discard the others);
 * non-string rule codes are dropped.
 */
const settingsSchema: z.ZodType<ServerSettings, unknown> = section({
  disabledRules: z
    .array(z.unknown())
    .transform((codes) => codes.filter((c): c is string => typeof c === 'string'))
    .catch(defaults.disabledRules),
  shellcheck: section({
    enable: flag(defaults.shellcheck.enable),
    path: z.string().catch(defaults.shellcheck.path),
  }),
  maxNumberOfProblems: z.number().min(0).transform(Math.floor).catch(defaults.maxNumberOfProblems),
  format: section({
    binaryNextLine: flag(defaults.format.binaryNextLine),
    switchCaseIndent: flag(defaults.format.switchCaseIndent),
    spaceRedirects: flag(defaults.format.spaceRedirects),
    functionNextLine: flag(defaults.format.functionNextLine),
    simplify: flag(defaults.format.simplify),
  }),
});

/** Whatever the client sent, completed with defaults; wrong types are ignored. */
export function normalizeSettings(raw: unknown): ServerSettings {
  return settingsSchema.parse(raw);
}
