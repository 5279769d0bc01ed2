/**
 * How long an image's findings stay in Problems: while the image they
 * describe is there, unchanged. A new report of the same image.sh replaces
 * them; a build that made no report (refused because the image exists,
 * failed before the archive, cancelled) leaves them, unless the image is
 * gone or was replaced meanwhile. Pure (node:fs only), so it is tested
 * without VS Code.
 */
import { statSync } from 'node:fs';

/** What tells one image file (or directory) from the next one at the same path. */
export interface ImageIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The identity of what is at `path` now (not following a link), or undefined when nothing is. */
export function imageIdentity(path: string): ImageIdentity | undefined {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s && { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined; // e.g. a directory on the way that the user cannot search
  }
}

interface Shown {
  imgPath: string;
  /** Taken when the build that reported ended (the image is in place by then). */
  identity: ImageIdentity | undefined;
}

/** The image.sh files whose findings are shown, with the image each describes. */
export class ShownFindings {
  private readonly shown = new Map<string, Shown>();
  /** image.sh files reported during the build that runs. */
  private reported = new Set<string>();

  constructor(private readonly identify: (path: string) => ImageIdentity | undefined = imageIdentity) {}

  buildStarted(): void {
    this.reported = new Set();
  }

  /** A report of `file`'s image arrived (its findings are shown, replacing the earlier ones of `file`). */
  reportArrived(file: string, imgPath: string): void {
    this.reported.add(file);
    this.shown.set(file, { imgPath, identity: undefined });
  }

  /** Findings shown without a build (a report kept from an earlier session): the image as it is now. */
  restored(file: string, imgPath: string): void {
    this.shown.set(file, { imgPath, identity: this.identify(imgPath) });
  }

  /**
   * The build ended: records the identity of the images it reported, and returns the image.sh
   * files whose findings must go (their image is gone or is another one now).
   */
  buildFinished(): string[] {
    const stale: string[] = [];
    for (const [file, s] of this.shown) {
      const now = this.identify(s.imgPath);
      if (this.reported.has(file)) s.identity = now;
      else if (!now || !s.identity || !sameIdentity(now, s.identity)) stale.push(file);
    }
    for (const file of stale) this.shown.delete(file);
    this.reported = new Set();
    return stale;
  }
}

function sameIdentity(a: ImageIdentity, b: ImageIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
