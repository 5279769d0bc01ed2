/**
 * A streaming reader of tar archives (POSIX pax, ustar and GNU long names:
 * what GNU tar writes with `--format=posix`, as makeimg does, and older
 * archives). Fed the uncompressed stream chunk by chunk, it reports every
 * member with the offset of its content in that stream, and hands over the
 * content of the members the caller asks for. Nothing is extracted.
 */
import { normaliseEntryPath, type EntryType, type ImageEntry } from './image-entry';

export interface TarEntry extends ImageEntry {
  /** Where the member's content starts in the uncompressed stream (a multiple of 512). */
  offset: number;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;
/** Extended headers larger than this are not metadata a rootfs needs: refuse rather than buffer them. */
const MAX_META_BYTES = 8 * 1024 * 1024;

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

export interface TarStreamHandlers {
  /**
   * Called for every member. Return a byte count to receive up to that many
   * bytes of its content through `onContent` (regular files only).
   */
  onEntry(entry: TarEntry): number | void;
  onContent?(entry: TarEntry, content: Buffer): void;
}

type State =
  | { kind: 'header' }
  | { kind: 'meta'; type: string; size: number; data: Buffer; have: number; padded: number }
  | { kind: 'data'; wanted?: TarEntry; remaining: number; padding: number; kept?: Buffer; have: number }
  | { kind: 'end' };

const HEADER: State = { kind: 'header' };

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** The NUL-terminated (or full-length) text field at `start`. */
function cString(b: Buffer, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && b[end] !== 0) end++;
  return b.toString('utf8', start, end);
}

/** An octal field (spaces and NULs around it), or GNU's base-256 form (high bit set) for big numbers. */
function numeric(b: Buffer, start: number, length: number): number {
  if (b[start]! & 0x80) {
    let v = b[start]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + b[start + i]!;
    return v;
  }
  let i = start;
  const limit = start + length;
  while (i < limit && b[i] === 0x20) i++;
  let v = 0;
  for (; i < limit; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** The header checksum: every byte summed, the checksum field itself counted as spaces. */
function checksumOk(h: Buffer, at: number): boolean {
  let sum = 8 * 0x20;
  for (let i = at; i < at + 148; i++) sum += h[i]!;
  for (let i = at + 156; i < at + BLOCK; i++) sum += h[i]!;
  return sum === numeric(h, at + 148, 8);
}

/** True when the block at `at` is all zeros (the end of the archive). */
function zeroBlock(h: Buffer, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Parse pax records (`LEN key=value\n`); values stay bytes (xattrs are binary). */
function paxRecords(data: Buffer, into: Map<string, Buffer>): void {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.toString('latin1', pos, space), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw new TarFormatError('malformed pax extended header');
    const eq = data.indexOf(0x3d, space + 1);
    // The value ends before the record's trailing newline.
    if (eq > space + 1 && eq < pos + len) into.set(data.toString('utf8', space + 1, eq), data.subarray(eq + 1, pos + len - 1));
    pos += len;
  }
}

/** `./etc/passwd` as GNU tar writes names -> `/etc/passwd` without the general (slower) normalisation. */
function entryPath(name: string): string {
  if (name.startsWith('./') && !PLAIN_NAME_TROUBLE.test(name.slice(2))) return name.slice(1);
  return normaliseEntryPath(name);
}
/** What a name needs normalising for: empty, `.` or `..` components, or a trailing slash. */
const PLAIN_NAME_TROUBLE = /(^|\/)\.{0,2}(\/|$)/;

export class TarStreamReader {
  private state: State = HEADER;
  /** The start of a header cut by the end of a chunk. */
  private partial: Buffer | undefined;
  private partialLength = 0;
  /** Offset in the stream of the first byte not yet consumed. */
  private position = 0;
  private global = new Map<string, Buffer>();
  private local: Map<string, Buffer> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly handlers: TarStreamHandlers) {}

  /**
   * Content bytes (with padding) the reader would only step over now: a
   * seekable source may skip them with skip() instead of reading them.
   */
  get skippable(): number {
    const st = this.state;
    return st.kind === 'data' && !st.wanted ? st.remaining + st.padding : 0;
  }

  /** Step over `skippable` bytes without reading them. */
  skip(): void {
    const st = this.state;
    if (st.kind !== 'data' || st.wanted) return;
    this.position += st.remaining + st.padding;
    this.state = HEADER;
  }

  /** The reader is inside content it was asked to keep (or extended headers): read on, do not seek. */
  get wantsContent(): boolean {
    return (this.state.kind === 'data' && Boolean(this.state.wanted)) || this.state.kind === 'meta';
  }

  /** True once the end-of-archive blocks were read. */
  get ended(): boolean {
    return this.state.kind === 'end';
  }

  /** Offset in the stream of the next byte the reader needs. */
  get offset(): number {
    return this.position + (this.partial ? this.partialLength : 0);
  }

  /**
   * The next piece of the stream. Headers are parsed where they lie in the
   * chunk and content is stepped over without copying; only what a handler
   * keeps (and a header cut in two by the chunk's end) is copied, so the
   * caller may reuse its buffer once push returns.
   */
  push(chunk: Buffer): void {
    let pos = 0;
    if (this.partial) {
      // Complete the header cut by the previous chunk's end.
      const take = Math.min(BLOCK - this.partialLength, chunk.length);
      chunk.copy(this.partial, this.partialLength, 0, take);
      this.partialLength += take;
      pos = take;
      if (this.partialLength < BLOCK) return;
      const h = this.partial;
      this.partial = undefined;
      this.header(h, 0);
      this.position += BLOCK;
    }
    const length = chunk.length;
    while (pos < length) {
      const state = this.state;
      if (state.kind === 'header') {
        if (length - pos < BLOCK) {
          this.partial = Buffer.allocUnsafe(BLOCK);
          this.partialLength = chunk.copy(this.partial, 0, pos, length);
          return;
        }
        this.header(chunk, pos);
        pos += BLOCK;
        this.position += BLOCK;
      } else if (state.kind === 'data') {
        const take = Math.min(state.remaining + state.padding, length - pos);
        const dataTake = Math.min(take, state.remaining);
        if (state.kept && state.have < state.kept.length && dataTake > 0) {
          state.have += chunk.copy(state.kept, state.have, pos, pos + Math.min(dataTake, state.kept.length - state.have));
        }
        state.remaining -= dataTake;
        state.padding -= take - dataTake;
        pos += take;
        this.position += take;
        if (state.remaining === 0 && state.padding === 0) {
          this.state = HEADER;
          if (state.wanted) this.handlers.onContent?.(state.wanted, state.kept!);
        }
      } else if (state.kind === 'meta') {
        const take = Math.min(state.padded - state.have, length - pos);
        const dataTake = Math.max(0, Math.min(take, state.size - state.have));
        if (dataTake > 0) chunk.copy(state.data, state.have, pos, pos + dataTake);
        state.have += take;
        pos += take;
        this.position += take;
        if (state.have === state.padded) this.meta(state.type, state.data);
      } else return; // the end blocks: nothing after them is read
    }
  }

  /** The stream ended: throws when the archive was cut short. */
  end(): void {
    if (this.state.kind === 'end') return;
    if (this.state.kind === 'header' && !this.partial) return; // no end blocks, but whole members: GNU tar accepts it too
    throw new TarFormatError(`the archive ends in the middle of a member at byte ${this.position} (truncated?)`);
  }

  private header(h: Buffer, at: number): void {
    // A member's header starts with its name: only a block that starts with a zero byte can be all zeros.
    if (h[at] === 0 && zeroBlock(h, at)) {
      // Two zero blocks end the archive; one is enough to know.
      this.state = { kind: 'end' };
      return;
    }
    if (!checksumOk(h, at)) throw new TarFormatError(`not a tar archive, or damaged (bad header checksum at byte ${this.position})`);
    const type = String.fromCharCode(h[at + 156]!);
    const size = numeric(h, at + 124, 12);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_META_BYTES) throw new TarFormatError(`extended header of ${size} bytes at byte ${this.position}`);
      if (size === 0) this.meta(type, Buffer.alloc(0));
      else this.state = { kind: 'meta', type, size, data: Buffer.allocUnsafe(size), have: 0, padded: roundUp(size) };
      return;
    }
    let pax = this.local;
    this.local = undefined;
    if (this.global.size > 0) pax = pax ? new Map([...this.global, ...pax]) : this.global;
    const ustar = h[at + 257] === 0x75 && h.toString('latin1', at + 257, at + 262) === 'ustar';
    let rawName = paxText(pax, 'path') ?? this.longName;
    if (rawName === undefined) {
      const name = cString(h, at, 100);
      const prefix = ustar && h[at + 345] !== 0 ? cString(h, at + 345, 155) : '';
      rawName = prefix ? `${prefix}/${name}` : name;
    }
    let rawLink = paxText(pax, 'linkpath') ?? this.longLink;
    this.longName = undefined;
    this.longLink = undefined;
    let entryType = TYPES[type];
    // Old archives mark directories only by a trailing slash.
    if (entryType === 'file' && rawName.endsWith('/')) entryType = 'directory';
    const dataSize = paxNumber(pax, 'size') ?? size;
    if (!entryType) {
      // A member type a rootfs does not hold (sparse, volume labels...): skip its data.
      this.skipData(dataSize);
      return;
    }
    const entry: TarEntry = {
      path: entryPath(rawName),
      type: entryType,
      mode: numeric(h, at + 100, 8) & 0o7777,
      uid: paxNumber(pax, 'uid') ?? numeric(h, at + 108, 8),
      gid: paxNumber(pax, 'gid') ?? numeric(h, at + 116, 8),
      size: entryType === 'file' ? dataSize : 0,
      mtime: Math.floor(paxNumber(pax, 'mtime') ?? numeric(h, at + 136, 12)),
      offset: this.position + BLOCK,
    };
    if (entryType === 'symlink' || entryType === 'hardlink') {
      rawLink ??= cString(h, at + 157, 100);
      entry.linkTarget = entryType === 'hardlink' ? normaliseEntryPath(rawLink) : rawLink;
    }
    if (entryType === 'char' || entryType === 'block') {
      entry.devMajor = numeric(h, at + 329, 8);
      entry.devMinor = numeric(h, at + 337, 8);
    }
    const capability = pax?.get('SCHILY.xattr.security.capability');
    if (capability) entry.capability = Uint8Array.from(capability);
    const asked = this.handlers.onEntry(entry);
    const keep = entryType === 'file' ? (asked ?? 0) : 0;
    // A hard link carries no data even when its header says a size.
    this.skipData(entryType === 'hardlink' ? 0 : dataSize, keep > 0 ? { entry, keep: Math.min(keep, dataSize) } : undefined);
  }

  /** Step over `size` bytes of content (and padding), keeping the first `wanted.keep` of them for onContent. */
  private skipData(size: number, wanted?: { entry: TarEntry; keep: number }): void {
    if (size === 0) {
      this.state = HEADER;
      if (wanted) this.handlers.onContent?.(wanted.entry, Buffer.alloc(0));
      return;
    }
    this.state = {
      kind: 'data',
      wanted: wanted?.entry,
      remaining: size,
      padding: roundUp(size) - size,
      kept: wanted ? Buffer.allocUnsafe(wanted.keep) : undefined,
      have: 0,
    };
  }

  private meta(type: string, data: Buffer): void {
    this.state = HEADER;
    if (type === 'x') paxRecords(data, (this.local = new Map()));
    else if (type === 'g') paxRecords(data, this.global);
    else if (type === 'L') this.longName = cString(data, 0, data.length);
    else if (type === 'K') this.longLink = cString(data, 0, data.length);
  }
}

function paxText(pax: Map<string, Buffer> | undefined, key: string): string | undefined {
  return pax?.get(key)?.toString('utf8');
}

function paxNumber(pax: Map<string, Buffer> | undefined, key: string): number | undefined {
  const v = pax?.get(key);
  return v === undefined ? undefined : Number(v.toString('latin1'));
}
