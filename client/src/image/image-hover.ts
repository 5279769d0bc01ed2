/**
 * The img_name hover, once this image.sh built an image that still exists:
 * links to Open Image, Show Report and Open Shell in Image (added to the
 * language server's documentation of img_name; VS Code shows both).
 */
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { IMG_NAME } from '../../../shared/contract';
import { builtImageMarkdown, HOVER_COMMANDS, imgNameAt } from './built-image-links';

/** What the last build of an image.sh made. */
export interface BuiltBy {
  imgPath: string;
  /** The report's content size (a directory image's own size says nothing). */
  totalBytes: number;
  findings: number;
}

export class BuiltImageHover implements vscode.HoverProvider {
  constructor(private readonly builtBy: (imageSh: string) => BuiltBy | undefined) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    const name = imgNameAt(line, position.character);
    if (!name) return undefined;
    const built = this.builtBy(document.uri.fsPath);
    // img_name was changed since that build: the image on disk is not this line's.
    if (!built || (name.value !== undefined && name.value !== basename(built.imgPath))) return undefined;
    let st;
    try {
      st = statSync(built.imgPath);
    } catch {
      return undefined;
    }
    const markdown = new vscode.MarkdownString(
      builtImageMarkdown({
        imgPath: built.imgPath,
        bytes: st.isDirectory() ? built.totalBytes : st.size,
        builtAt: st.mtimeMs,
        findings: built.findings,
      }),
    );
    markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    const start = line.indexOf(IMG_NAME);
    return new vscode.Hover(markdown, new vscode.Range(position.line, start, position.line, start + IMG_NAME.length));
  }
}
