/**
 * What the language status item of an image.sh says (pure, for tests): the
 * server's state, and ShellCheck on or off with its version.
 */
import type { ServerStatus } from '../../shared/ids-and-settings';

export type ServerState = 'starting' | 'running' | 'stopped';

export interface LanguageStatusText {
  text: string;
  detail: string;
  /** 'error': the server is stopped; 'warning': ShellCheck is on but cannot run. */
  severity: 'information' | 'warning' | 'error';
  busy: boolean;
}

/** `status`: the server's answer to makeimg/status, when it gave one. */
export function languageStatusText(state: ServerState, status: ServerStatus | undefined): LanguageStatusText {
  if (state === 'stopped')
    return { text: 'makeimg server stopped', detail: 'no diagnostics; Restart to try again', severity: 'error', busy: false };
  if (state === 'starting') return { text: 'makeimg server starting', detail: '', severity: 'information', busy: true };
  const text = 'makeimg server running';
  const sc = status?.shellcheck;
  if (!sc) return { text, detail: '', severity: 'information', busy: false };
  if (!sc.enabled) return { text, detail: 'ShellCheck off (makeimg.shellcheck.enable)', severity: 'information', busy: false };
  if (sc.version) return { text, detail: `ShellCheck ${sc.version}`, severity: 'information', busy: false };
  return { text, detail: `ShellCheck unavailable: ${sc.problem ?? 'unknown'}`, severity: 'warning', busy: false };
}
