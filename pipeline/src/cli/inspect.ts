/**
 * `makeimg inspect IMAGE`: the build report of an existing image, a `.tar*`
 * archive (read once through its decompressor, nothing extracted) or a
 * directory image. Needs no root: it reads what the invoking user can read.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { encodeEvent, EXIT } from '../../../shared/events';
import type { ImageReport } from '../../../shared/image-report';
import { reportFull, type Paint } from '../../../shared/report-text';
import { readHostFacts } from '../report/hygiene';
import { buildReport } from '../report/report';
import { scanArchive } from '../report/scan-archive';
import { scanTree } from '../report/scan-tree';

export interface InspectOptions {
  json: boolean;
  strict: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  paint: Paint;
  signal?: AbortSignal;
}

/** The report of the image at `imagePath` (a directory or a `.tar*` file). */
export async function inspectImage(imagePath: string, signal?: AbortSignal): Promise<ImageReport> {
  const st = await fs.stat(imagePath);
  const scan = st.isDirectory() ? await scanTree(imagePath, signal) : await scanArchive(imagePath, signal);
  return buildReport(scan, { host: await readHostFacts() });
}

export async function runInspect(image: string | undefined, o: InspectOptions): Promise<number> {
  if (!image) {
    o.err.write('makeimg inspect: which image? makeimg inspect IMAGE (a .tar* file or a directory image)\n');
    return EXIT.INVALID;
  }
  const imagePath = path.resolve(image);
  let report: ImageReport;
  try {
    report = await inspectImage(imagePath, o.signal);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    if (o.json) o.out.write(encodeEvent({ type: 'error', message: `cannot inspect ${imagePath}: ${why}` }));
    o.err.write(`makeimg inspect: cannot inspect ${imagePath}: ${why}\n`);
    return EXIT.INVALID;
  }
  if (o.json) o.out.write(encodeEvent({ type: 'report', imgPath: imagePath, report }));
  else o.out.write([o.paint.heading(imagePath), ...reportFull(report, o.paint)].join('\n') + '\n');
  return o.strict && report.findings.length > 0 ? EXIT.BUILD_FAILED : EXIT.OK;
}
