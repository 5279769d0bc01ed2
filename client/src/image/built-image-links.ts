/**
 * What the img_name hover adds once the image is built: the image's path,
 * size and age, and links to open it, its report and a shell in it. Pure
 * text (no 'vscode'): the hover provider in image-hover.ts decides when.
 */
import { formatBytes } from '../../../shared/units';
import { IMG_NAME } from '../../../shared/contract';
import { COMMANDS } from '../../../shared/ids-and-settings';

/** Commands the hover links to (a hover's markdown may run only the commands it names). */
export const HOVER_COMMANDS = [COMMANDS.openImage, COMMANDS.showReport, COMMANDS.openShell] as const;

/** A `command:` link with its arguments, as VS Code's markdown expects them. */
export function commandLink(title: string, command: string, args: unknown[] = []): string {
  // encodeURIComponent leaves ( ) ' ! * alone; a ")" would end the markdown link.
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = args.length > 0 ? `?${encoded}` : '';
  return `[${title}](command:${command}${query} "${title}")`;
}

/** Markdown-escape a path shown as text (inside backticks a path needs no escaping but a backtick). */
function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  return `${ticks}${text}${ticks}`;
}

export interface BuiltImage {
  imgPath: string;
  bytes: number;
  /** Milliseconds since 1970 (the image's mtime). */
  builtAt: number;
  /** Hygiene findings of its last build. */
  findings: number;
}

export function builtImageMarkdown(image: BuiltImage, now = Date.now()): string {
  const findings = image.findings === 0 ? 'no hygiene findings' : `${image.findings} hygiene finding${image.findings === 1 ? '' : 's'}`;
  return [
    `**Built:** ${code(image.imgPath)} (${formatBytes(image.bytes)}, ${age(now - image.builtAt)}, ${findings})`,
    [
      commandLink('Open Image', COMMANDS.openImage, [image.imgPath]),
      commandLink('Show Report', COMMANDS.showReport),
      commandLink('Open Shell in Image', COMMANDS.openShell, [image.imgPath]),
    ].join(' · '),
  ].join('\n\n');
}

function age(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/**
 * When `column` (0-based) of `lineText` is on the name of an `img_name=`
 * assignment: the value as written (quotes removed; undefined when it
 * expands something, so it cannot be compared with a built image's name).
 */
export function imgNameAt(lineText: string, column: number): { value: string | undefined } | undefined {
  const m = new RegExp(`^(\\s*)${IMG_NAME}=(\\S*)`).exec(lineText);
  if (!m) return undefined;
  const start = m[1]!.length;
  if (column < start || column > start + IMG_NAME.length) return undefined;
  const raw = m[2]!.replace(/^(["'])(.*)\1;?$/, '$2').replace(/;$/, '');
  return { value: /[$`\\"'(]/.test(raw) || raw === '' ? undefined : raw };
}
