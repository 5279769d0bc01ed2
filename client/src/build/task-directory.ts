/**
 * Which directory a `makeimg` task builds: its `directory` (absolute, or
 * relative to the workspace folder), else the folder itself; and a clear
 * message when that cannot work. Pure, apart from the `hasImage` probe.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { IMAGE_FILE_NAME } from '../../../shared/contract';

export interface TaskDirectory {
  directory?: string;
  /** Why the task cannot build; shown in its terminal. */
  problem?: string;
}

export function resolveTaskDirectory(
  given: string | undefined,
  folderPath: string | undefined,
  hasImage: (directory: string) => boolean = (d) => existsSync(join(d, IMAGE_FILE_NAME)),
): TaskDirectory {
  const trimmed = given?.trim();
  const directory = trimmed ? (isAbsolute(trimmed) ? resolve(trimmed) : folderPath && resolve(folderPath, trimmed)) : folderPath;
  if (!directory) return { problem: 'makeimg: cannot tell which directory to build; set "directory" in the task (absolute path)' };
  if (!hasImage(directory)) return { directory, problem: `makeimg: there is no ${IMAGE_FILE_NAME} in ${directory}` };
  return { directory };
}
