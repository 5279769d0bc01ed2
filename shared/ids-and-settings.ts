/**
 * Names shared by the VS Code client and the language server: command IDs,
 * the settings section, and the settings shape. The server never imports
 * 'vscode'; both sides import this module instead of repeating strings.
 */

/** The language ID registered for image.sh files. */
export const LANGUAGE_ID = 'makeimg';

/** VS Code's language ID of shell scripts: an image.sh the user gave it is not a makeimg recipe (the MKIMG020 fix). */
export const SHELL_LANGUAGE_ID = 'shellscript';

/** Settings section ("makeimg.*") read through workspace/configuration. */
export const SETTINGS_SECTION = 'makeimg';

export const COMMANDS = {
  /** Build the image.sh (argument: the document URI string, optional). */
  buildImage: 'makeimg.buildImage',
  /** The same, running do_install even when the install cache has it. */
  buildImageNoCache: 'makeimg.buildImageNoCache',
  /** Build again, replacing the image (makeimg build --force). */
  rebuildImage: 'makeimg.rebuildImage',
  cancelBuild: 'makeimg.cancelBuild',
  showLog: 'makeimg.showLog',
  /** Open a built image as a read-only folder (argument: its path or Uri, optional). */
  openImage: 'makeimg.openImage',
  /** A shell inside a built image (argument: its path or Uri, optional). */
  openShell: 'makeimg.openShell',
  showReport: 'makeimg.showReport',
  /** Quick open over a built image's files (argument: its path or Uri, optional). */
  goToFileInImage: 'makeimg.goToFileInImage',
  /** Stop and start the language server (a stuck server, a new shellcheck on PATH). */
  restartServer: 'makeimg.restartServer',
  /** The documentation page of a rule (argument: its code, e.g. "MKIMG004"; none: pick one). */
  showRuleDocumentation: 'makeimg.showRuleDocumentation',
  /** Quick fix of MKIMG020: treat the file (argument: its URI string) as a shell script, for the workspace. */
  useShellLanguage: 'makeimg.useShellLanguage',
  /** Quick fix of MKIMG015 when the mark is only on disk: rewrite the file (argument: its URI string) without it. */
  removeByteOrderMark: 'makeimg.removeByteOrderMark',
} as const;

/** Where the rule pages live, relative to the repository and to the installed extension (the VSIX ships them). */
export const RULE_DOCS_DIRECTORY = 'docs/rules';

/**
 * A request of the client to the server: what the server checks a document
 * with (for the language status item). Params: StatusParams.
 */
export const STATUS_REQUEST = 'makeimg/status';

export interface StatusParams {
  /** The document whose settings decide (makeimg.shellcheck.* are resource settings). */
  uri: string;
}

export interface ServerStatus {
  shellcheck:
    | { enabled: false }
    /** `version` when it ran, else `problem`: why it cannot run (not found, failed). */
    | { enabled: true; executable: string; version?: string; problem?: string };
}

/** URI scheme of a built image opened read-only in the editor (makeimg: Open Image). */
export const IMAGE_SCHEME = 'makeimg-image';

/** Task type contributed by the client (tasks.json: {"type": "makeimg"}). */
export const TASK_TYPE = 'makeimg';

/** Server-relevant settings (the client contributes them in package.json). */
export interface ServerSettings {
  /** Rule codes (e.g. "MKIMG005") whose diagnostics are not reported. */
  disabledRules: string[];
  shellcheck: { enable: boolean; path: string };
  maxNumberOfProblems: number;
  /** shfmt options for formatting (a file's .editorconfig wins over them). */
  format: FormatSettings;
}

/** makeimg.format.*: shfmt's flags -bn, -ci, -sr, -fn, -s (the indentation comes from the editor). */
export interface FormatSettings {
  binaryNextLine: boolean;
  switchCaseIndent: boolean;
  spaceRedirects: boolean;
  functionNextLine: boolean;
  simplify: boolean;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  disabledRules: [],
  shellcheck: { enable: true, path: 'shellcheck' },
  maxNumberOfProblems: 100,
  format: { binaryNextLine: false, switchCaseIndent: false, spaceRedirects: false, functionNextLine: false, simplify: false },
};
