/**
 * The `makeimg-image:` file system: a built image as a read-only folder.
 * `makeimg-image://<hex of the image path>/etc/passwd` is /etc/passwd inside
 * the image at that path (a `.tar*` file or a directory image). Each image is
 * indexed once (ImageSource) and kept while the window lives.
 */
import * as vscode from 'vscode';
import type { ImageEntry } from '../../../shared/image-entry';
import { normaliseEntryPath } from '../../../shared/image-entry';
import { IMAGE_SCHEME } from '../../../shared/ids-and-settings';
import { ImageSource } from './image-source';

export { IMAGE_SCHEME };

/** The root of an image in the makeimg-image: scheme (authority: the image path in hex, which no URI rule lowercases or escapes). */
export function imageRootUri(imagePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: IMAGE_SCHEME, authority: Buffer.from(imagePath).toString('hex'), path: '/' });
}

export function imagePathOf(uri: vscode.Uri): string {
  return Buffer.from(uri.authority, 'hex').toString();
}

function fileType(e: ImageEntry | undefined): vscode.FileType {
  if (!e) return vscode.FileType.Unknown;
  if (e.type === 'directory') return vscode.FileType.Directory;
  if (e.type === 'file' || e.type === 'hardlink') return vscode.FileType.File;
  return vscode.FileType.Unknown;
}

export class ImageFileSystem implements vscode.FileSystemProvider {
  private readonly sources = new Map<string, Promise<ImageSource>>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  /** The index of an image, built on first use. */
  source(imagePath: string): Promise<ImageSource> {
    let s = this.sources.get(imagePath);
    if (!s) {
      s = ImageSource.open(imagePath);
      s.catch(() => this.sources.delete(imagePath));
      this.sources.set(imagePath, s);
    }
    return s;
  }

  /** Drop an image's index (it was rebuilt): the next access reads it again. */
  forget(imagePath: string): void {
    if (this.sources.delete(imagePath)) this.changed.fire([{ type: vscode.FileChangeType.Changed, uri: imageRootUri(imagePath) }]);
  }

  private async entry(uri: vscode.Uri): Promise<{ source: ImageSource; path: string; entry: ImageEntry | undefined }> {
    let source: ImageSource;
    try {
      source = await this.source(imagePathOf(uri));
    } catch (e) {
      throw vscode.FileSystemError.Unavailable(`${imagePathOf(uri)}: ${(e as Error).message}`);
    }
    const p = normaliseEntryPath(uri.path);
    return { source, path: p, entry: source.resolve(p) };
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { source, path, entry } = await this.entry(uri);
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    const own = source.lookup(path);
    const link = own?.type === 'symlink' ? vscode.FileType.SymbolicLink : 0;
    return {
      type: fileType(entry) | link,
      ctime: entry.mtime * 1000,
      mtime: entry.mtime * 1000,
      size: entry.size,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { source, path, entry } = await this.entry(uri);
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    if (entry.type !== 'directory') throw vscode.FileSystemError.FileNotADirectory(uri);
    return source.list(path).map((name) => {
      const child = `${entry.path === '/' ? '' : entry.path}/${name}`;
      const own = source.lookup(child);
      const link = own?.type === 'symlink' ? vscode.FileType.SymbolicLink : 0;
      return [name, fileType(source.resolve(child)) | link];
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { source, path, entry } = await this.entry(uri);
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    if (entry.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
    try {
      return await source.read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw vscode.FileSystemError.NoPermissions(uri);
      throw vscode.FileSystemError.Unavailable(`${uri.path}: ${(e as Error).message}`);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
