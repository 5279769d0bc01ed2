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
  | { kind: 'meta'; type: string; size: number; chunks: Buffer[]; have: number }
  | { kind: 'data'; wanted?: TarEntry; remaining: number; padding: number; keep: number; chunks: Buffer[]; have: number }
  | { kind: 'end' };

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function cString(b: Buffer, start: number, length: number): string {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end >= 0 && end < start + length ? end : start + length);
}

/** An octal field, or GNU's base-256 form (high bit set) for big numbers. */
function numeric(b: Buffer, start: number, length: number): number {
  if (b[start]! & 0x80) {
    let v = b[start]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + b[start + i]!;
    return v;
  }
  const s = cString(b, start, length).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

/** Parse pax records (`LEN key=value\n`); values stay bytes (xattrs are binary). */
function paxRecords(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.toString('latin1', pos, space), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw new TarFormatError('malformed pax extended header');
    const record = data.subarray(space + 1, pos + len - 1); // drop the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq > 0) records.set(record.toString('utf8', 0, eq), record.subarray(eq + 1));
    pos += len;
  }
  return records;
}

export class TarStreamReader {
  private state: State = { kind: 'header' };
  private pending: Buffer | undefined;
  /** Offset in the stream of the first byte not yet consumed. */
  private position = 0;
  private global = new Map<string, Buffer>();
  private local = new Map<string, Buffer>();
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly handlers: TarStreamHandlers) {}

  /**
   * Content bytes (with padding) the reader would only step over now: a
   * seekable source may skip them with skip() instead of reading them.
   */
  get skippable(): number {
    const st = this.state;
    return st.kind === 'data' && !st.wanted && !this.pending ? st.remaining + st.padding : 0;
  }

  /** Step over `skippable` bytes without reading them. */
  skip(): void {
    const st = this.state;
    if (st.kind !== 'data' || st.wanted || this.pending) return;
    this.position += st.remaining + st.padding;
    this.state = { kind: 'header' };
  }

  /** The reader is inside content it was asked to keep (or extended headers): read on, do not seek. */
  get wantsContent(): boolean {
    return (this.state.kind === 'data' && Boolean(this.state.wanted)) || this.state.kind === 'meta';
  }

  /** True once the end-of-archive blocks were read. */
  get ended(): boolean {
    return this.state.kind === 'end';
  }

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let pos = 0;
    while (pos < buf.length && this.state.kind !== 'end') {
      const state = this.state;
      if (state.kind === 'header') {
        if (buf.length - pos < BLOCK) break;
        this.header(buf.subarray(pos, pos + BLOCK));
        pos += BLOCK;
        this.position += BLOCK;
      } else if (state.kind === 'meta') {
        const want = roundUp(state.size) - state.have;
        const take = Math.min(want, buf.length - pos);
        // Copied: a caller may reuse its buffer for the next chunk.
        state.chunks.push(Buffer.from(buf.subarray(pos, pos + take)));
        state.have += take;
        pos += take;
        this.position += take;
        if (state.have === roundUp(state.size)) this.meta(state.type, Buffer.concat(state.chunks).subarray(0, state.size));
      } else if (state.kind === 'data') {
        const left = state.remaining + state.padding;
        const take = Math.min(left, buf.length - pos);
        const dataTake = Math.min(take, state.remaining);
        if (state.wanted && state.have < state.keep && dataTake > 0) {
          const k = Math.min(dataTake, state.keep - state.have);
          state.chunks.push(Buffer.from(buf.subarray(pos, pos + k)));
          state.have += k;
        }
        state.remaining -= dataTake;
        state.padding -= take - dataTake;
        pos += take;
        this.position += take;
        if (state.remaining === 0 && state.padding === 0) {
          if (state.wanted) this.handlers.onContent?.(state.wanted, Buffer.concat(state.chunks));
          this.state = { kind: 'header' };
        }
      }
    }
    if (pos < buf.length && this.state.kind !== 'end') this.pending = Buffer.from(buf.subarray(pos));
  }

  /** The stream ended: throws when the archive was cut short. */
  end(): void {
    if (this.state.kind === 'end') return;
    if (this.state.kind === 'header' && !this.pending) return; // no end blocks, but whole members: GNU tar accepts it too
    throw new TarFormatError('the archive ends in the middle of a member (truncated?)');
  }

  private header(h: Buffer): void {
    // A member's header starts with its name: only a block that starts with a zero byte can be all zeros.
    if (h[0] === 0 && h.every((b) => b === 0)) {
      // Two zero blocks end the archive; one is enough to know.
      this.state = { kind: 'end' };
      return;
    }
    if (!checksumOk(h)) throw new TarFormatError(`not a tar archive, or damaged (bad header checksum at byte ${this.position})`);
    const type = String.fromCharCode(h[156]!);
    const size = numeric(h, 124, 12);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_META_BYTES) throw new TarFormatError(`extended header of ${size} bytes at byte ${this.position}`);
      this.state = { kind: 'meta', type, size, chunks: [], have: 0 };
      if (size === 0) this.meta(type, Buffer.alloc(0));
      return;
    }
    const pax = this.global.size === 0 ? this.local : new Map([...this.global, ...this.local]);
    if (this.local.size > 0) this.local = new Map();
    const text = (key: string): string | undefined => pax.get(key)?.toString('utf8');
    const num = (key: string, fallback: number): number => {
      const v = text(key);
      return v === undefined ? fallback : Number(v);
    };
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const prefix = ustar ? cString(h, 345, 155) : '';
    const rawName = text('path') ?? this.longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    const rawLink = text('linkpath') ?? this.longLink ?? cString(h, 157, 100);
    this.longName = undefined;
    this.longLink = undefined;
    let entryType = TYPES[type];
    // Old archives mark directories only by a trailing slash.
    if (entryType === 'file' && rawName.endsWith('/')) entryType = 'directory';
    const dataSize = num('size', size);
    const offset = this.position + BLOCK;
    if (!entryType) {
      // A member type a rootfs does not hold (sparse, volume labels...): skip its data.
      this.skipData(dataSize);
      return;
    }
    const entry: TarEntry = {
      path: normaliseEntryPath(rawName),
      type: entryType,
      mode: numeric(h, 100, 8) & 0o7777,
      uid: num('uid', numeric(h, 108, 8)),
      gid: num('gid', numeric(h, 116, 8)),
      size: entryType === 'file' ? dataSize : 0,
      mtime: Math.floor(num('mtime', numeric(h, 136, 12))),
      offset,
    };
    if (entryType === 'symlink') entry.linkTarget = rawLink;
    if (entryType === 'hardlink') entry.linkTarget = normaliseEntryPath(rawLink);
    if (entryType === 'char' || entryType === 'block') {
      entry.devMajor = numeric(h, 329, 8);
      entry.devMinor = numeric(h, 337, 8);
    }
    const capability = pax.get('SCHILY.xattr.security.capability');
    if (capability) entry.capability = Uint8Array.from(capability);
    const asked = this.handlers.onEntry(entry);
    const keep = entryType === 'file' ? (asked ?? 0) : 0;
    // A hard link carries no data even when its header says a size.
    this.skipData(entryType === 'hardlink' ? 0 : dataSize, keep > 0 ? { entry, keep: Math.min(keep, dataSize) } : undefined);
  }

  /** Step over `size` bytes of content (and padding), keeping the first `wanted.keep` of them for onContent. */
  private skipData(size: number, wanted?: { entry: TarEntry; keep: number }): void {
    if (size === 0) {
      if (wanted) this.handlers.onContent?.(wanted.entry, Buffer.alloc(0));
      this.state = { kind: 'header' };
      return;
    }
    this.state = {
      kind: 'data',
      wanted: wanted?.entry,
      remaining: size,
      padding: roundUp(size) - size,
      keep: wanted?.keep ?? 0,
      chunks: [],
      have: 0,
    };
  }

  private meta(type: string, data: Buffer): void {
    this.state = { kind: 'header' };
    if (type === 'x') this.local = paxRecords(data);
    else if (type === 'g') for (const [k, v] of paxRecords(data)) this.global.set(k, v);
    else if (type === 'L') this.longName = cString(data, 0, data.length);
    else if (type === 'K') this.longLink = cString(data, 0, data.length);
  }
}
