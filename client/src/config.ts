/**
 * The client's settings (makeimg.*), read through VS Code and handed to pure
 * code as plain data. The server's settings are read by the server itself
 * through workspace/configuration.
 */
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../shared/ids-and-settings';
import { DEFAULT_PRIVILEGE_COMMAND } from './build/argv';

export interface BuildSettings {
  privilegeCommand: string[];
  /** Empty: the extension host's own binary (process.execPath) run as node. */
  nodePath: string;
  /** Empty: the pipeline reads ~/.config/makeimg.conf, else ./img. */
  imgDirBase: string;
  /** makeimg.cache.enable: reuse the install cache (false builds with --no-cache). */
  cacheEnable: boolean;
}

export function readBuildSettings(scope?: vscode.Uri): BuildSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const privilegeCommand = config.get<unknown>('privilegeCommand');
  return {
    privilegeCommand:
      Array.isArray(privilegeCommand) && privilegeCommand.every((a) => typeof a === 'string')
        ? privilegeCommand
        : [...DEFAULT_PRIVILEGE_COMMAND],
    nodePath: (config.get<string>('nodePath') ?? '').trim(),
    imgDirBase: (config.get<string>('imgDirBase') ?? '').trim(),
    cacheEnable: config.get<boolean>('cache.enable') ?? true,
  };
}
