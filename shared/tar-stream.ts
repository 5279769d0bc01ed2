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
  /** Stored without its holes (tar --sparse): the bytes at `offset` are not the content as they are. */
  sparse?: true;
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

/** Member types by the type flag's byte. */
const TYPES: (EntryType | undefined)[] = [];
TYPES[0x30] = TYPES[0] = TYPES[0x37] = 'file'; // '0', NUL (old archives), '7' (contiguous)
TYPES[0x31] = 'hardlink';
TYPES[0x32] = 'symlink';
TYPES[0x33] = 'char';
TYPES[0x34] = 'block';
TYPES[0x35] = 'directory';
TYPES[0x36] = 'fifo';
/** GNU's old sparse member ('S'): a regular file stored without its holes. */
const GNU_SPARSE = 0x53;

/** Type flags of the headers that describe the next member: pax local ('x') and global ('g'), GNU long name ('L') and link ('K'). */
const META_TYPES = new Set([0x78, 0x67, 0x4c, 0x4b]);

/** What pax records say about a member (the others are not metadata the index keeps). */
interface PaxFields {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  capability?: Uint8Array;
  /** GNU sparse files in pax form (versions 0.0, 0.1: the map here; 1.0: the map starts the data). */
  sparseName?: string;
  sparseRealSize?: number;
  sparseMajor?: number;
  sparseMap?: number[];
}

/** How a sparse member's content is stored: data segments of a file of `realSize` bytes, the holes left out. */
interface SparseLayout {
  realSize: number;
  /** Offset and length of each stored segment, in order; undefined when the map starts the data (pax 1.0). */
  map?: number[];
}

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
  | { kind: 'meta'; type: number; size: number; data?: Buffer; have: number; padded: number }
  | {
      kind: 'data';
      wanted?: TarEntry;
      remaining: number;
      padding: number;
      kept?: Buffer;
      have: number;
      sparse?: SparseLayout;
      keep: number;
    }
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

/**
 * The header checksum: every byte summed, the checksum field itself counted
 * as spaces. Summed four bytes at a time where the header is aligned (a
 * plain .tar read into our own buffer: always), two bytes per 16-bit lane.
 */
let wordsOf: ArrayBufferLike | undefined;
let words: Uint32Array = new Uint32Array(0);
function checksumOk(h: Buffer, at: number): boolean {
  const stored = numeric(h, at + 148, 8);
  const start = h.byteOffset + at;
  if ((start & 3) !== 0) {
    let sum = 8 * 0x20;
    for (let i = at; i < at + 148; i++) sum += h[i]!;
    for (let i = at + 156; i < at + BLOCK; i++) sum += h[i]!;
    return sum === stored;
  }
  if (h.buffer !== wordsOf) {
    wordsOf = h.buffer;
    words = new Uint32Array(h.buffer, 0, h.buffer.byteLength >>> 2);
  }
  const first = start >>> 2;
  let even = 0;
  let odd = 0;
  for (let i = first; i < first + BLOCK / 4; i++) {
    if (i === first + 37) i += 2; // bytes 148-155: the checksum field
    const w = words[i]!;
    even += w & 0x00ff00ff;
    odd += (w >>> 8) & 0x00ff00ff;
  }
  return (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16) + 8 * 0x20 === stored;
}

/** True when the block at `at` is all zeros (the end of the archive). */
function zeroBlock(h: Buffer, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** The decimal number in b[start, end) (pax values), rounded down; NaN when it is not one. */
function decimal(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let v = 0;
  let digits = 0;
  for (; i < end && b[i]! >= 0x30 && b[i]! <= 0x39; i++, digits++) v = v * 10 + (b[i]! - 0x30);
  let fraction = false;
  if (i < end && b[i] === 0x2e) {
    for (i++; i < end && b[i]! >= 0x30 && b[i]! <= 0x39; i++) if (b[i] !== 0x30) fraction = true;
  }
  if (digits === 0 || i !== end) return NaN;
  return negative ? -v - (fraction ? 1 : 0) : v;
}

function keyIs(b: Buffer, start: number, end: number, key: string): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (b[start + i] !== key.charCodeAt(i)) return false;
  return true;
}

/** Parse the pax records (`LEN key=value\n`) in b[start, end) into `into`, in place. */
function paxRecords(b: Buffer, start: number, end: number, into: PaxFields): void {
  let pos = start;
  while (pos < end) {
    let len = 0;
    let i = pos;
    for (; i < end && b[i]! >= 0x30 && b[i]! <= 0x39; i++) len = len * 10 + (b[i]! - 0x30);
    if (i === end && len === 0) break; // NUL padding after the last record
    if (i === pos || b[i] !== 0x20 || len <= 0 || pos + len > end) throw new TarFormatError('malformed pax extended header');
    const recordEnd = pos + len - 1; // the trailing newline
    const keyStart = i + 1;
    let eq = keyStart;
    while (eq < recordEnd && b[eq] !== 0x3d) eq++;
    if (eq < recordEnd) {
      const v = eq + 1;
      switch (eq - keyStart) {
        case 3:
          if (keyIs(b, keyStart, eq, 'uid')) into.uid = decimal(b, v, recordEnd);
          else if (keyIs(b, keyStart, eq, 'gid')) into.gid = decimal(b, v, recordEnd);
          break;
        case 4:
          if (keyIs(b, keyStart, eq, 'path')) into.path = b.toString('utf8', v, recordEnd);
          else if (keyIs(b, keyStart, eq, 'size')) into.size = decimal(b, v, recordEnd);
          break;
        case 5:
          if (keyIs(b, keyStart, eq, 'mtime')) into.mtime = decimal(b, v, recordEnd);
          break;
        case 8:
          if (keyIs(b, keyStart, eq, 'linkpath')) into.linkpath = b.toString('utf8', v, recordEnd);
          break;
        case CAPABILITY_KEY.length:
          if (keyIs(b, keyStart, eq, CAPABILITY_KEY)) into.capability = Uint8Array.prototype.slice.call(b, v, recordEnd);
          break;
        default:
          if (b[keyStart] === 0x47) sparseRecord(b.toString('latin1', keyStart, eq), b, v, recordEnd, into);
      }
    }
    pos += len;
  }
}

/** `count` offset/length pairs of 12-byte numbers at `at` (GNU sparse headers), up to the first empty one. */
function gnuSparseMap(h: Buffer, at: number, count: number): number[] {
  const map: number[] = [];
  for (let i = 0; i < count && h[at + i * 24] !== 0; i++) map.push(numeric(h, at + i * 24, 12), numeric(h, at + i * 24 + 12, 12));
  return map;
}

/** GNU tar's pax records of a sparse file (tar --sparse, any --sparse-version). */
function sparseRecord(key: string, b: Buffer, v: number, end: number, into: PaxFields): void {
  switch (key) {
    case 'GNU.sparse.name':
      into.sparseName = b.toString('utf8', v, end);
      break;
    case 'GNU.sparse.realsize':
    case 'GNU.sparse.size':
      into.sparseRealSize = decimal(b, v, end);
      break;
    case 'GNU.sparse.major':
      into.sparseMajor = decimal(b, v, end);
      break;
    case 'GNU.sparse.map':
      into.sparseMap = b.toString('latin1', v, end).split(',').map(Number);
      break;
    case 'GNU.sparse.offset': // 0.0: one record per segment, offset then numbytes
    case 'GNU.sparse.numbytes':
      (into.sparseMap ??= []).push(decimal(b, v, end));
      break;
  }
}

/**
 * The content of a sparse member from what the archive stores (for pax
 * 1.0, the map in decimal lines, padded to a block, then the segments),
 * zeros in the holes, cut to `keep` bytes.
 */
function expandSparse(stored: Buffer, layout: SparseLayout, keep: number): Buffer {
  let map = layout.map;
  let data = 0;
  if (!map) {
    const numbers: number[] = [];
    let count = -1;
    let at = 0;
    while (count < 0 || numbers.length < 2 * count) {
      const nl = stored.indexOf(0x0a, at);
      if (nl < 0) throw new TarFormatError('malformed sparse map');
      const n = decimal(stored, at, nl);
      if (!Number.isFinite(n)) throw new TarFormatError('malformed sparse map');
      if (count < 0) count = n;
      else numbers.push(n);
      at = nl + 1;
    }
    map = numbers;
    data = roundUp(at);
  }
  const content = Buffer.alloc(Math.min(keep, layout.realSize));
  for (let i = 0; i + 1 < map.length; i += 2) {
    const [offset, length] = [map[i]!, map[i + 1]!];
    if (offset < content.length) stored.copy(content, offset, data, data + Math.min(length, content.length - offset));
    data += length;
  }
  return content;
}

/** Where GNU tar (--xattrs) keeps file capabilities. */
const CAPABILITY_KEY = 'SCHILY.xattr.security.capability';

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
  private global: PaxFields = {};
  private hasGlobal = false;
  private local: PaxFields | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  /** A GNU sparse member whose map goes on in the next blocks. */
  private sparseExtension: { entry: TarEntry; dataSize: number; sparse: SparseLayout } | undefined;

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

  /** The reader is inside content it was asked to keep: worth reading in large pieces. */
  get wantsContent(): boolean {
    return this.state.kind === 'data' && Boolean(this.state.wanted);
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
   * The next piece of the stream. Headers and extended headers are parsed
   * where they lie in the chunk and content is stepped over without copying;
   * only what a handler keeps (and a header cut in two by the chunk's end)
   * is copied, so the caller may reuse its buffer once push returns.
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
          if (state.wanted) {
            this.handlers.onContent?.(state.wanted, state.sparse ? expandSparse(state.kept!, state.sparse, state.keep) : state.kept!);
          }
        }
      } else if (state.kind === 'meta') {
        if (state.have === 0 && length - pos >= state.padded) {
          // Whole in this chunk (nearly always): parsed where it lies.
          this.state = HEADER;
          this.meta(state.type, chunk, pos, pos + state.size);
          pos += state.padded;
          this.position += state.padded;
          continue;
        }
        state.data ??= Buffer.allocUnsafe(state.size);
        const take = Math.min(state.padded - state.have, length - pos);
        const dataTake = Math.max(0, Math.min(take, state.size - state.have));
        if (dataTake > 0) chunk.copy(state.data, state.have, pos, pos + dataTake);
        state.have += take;
        pos += take;
        this.position += take;
        if (state.have === state.padded) {
          this.state = HEADER;
          this.meta(state.type, state.data, 0, state.size);
        }
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
    if (this.sparseExtension) {
      this.gnuSparseExtension(h, at);
      return;
    }
    if (!checksumOk(h, at)) throw new TarFormatError(`not a tar archive, or damaged (bad header checksum at byte ${this.position})`);
    const type = h[at + 156]!;
    const size = numeric(h, at + 124, 12);
    if (META_TYPES.has(type)) {
      if (size > MAX_META_BYTES) throw new TarFormatError(`extended header of ${size} bytes at byte ${this.position}`);
      this.state = HEADER;
      if (size === 0) this.meta(type, h, at, at);
      else this.state = { kind: 'meta', type, size, have: 0, padded: roundUp(size) };
      return;
    }
    const local = this.local;
    const global = this.hasGlobal ? this.global : undefined;
    this.local = undefined;
    let rawName = local?.sparseName ?? local?.path ?? global?.path ?? this.longName;
    if (rawName === undefined) {
      const name = cString(h, at, 100);
      const ustar = h[at + 257] === 0x75 && h.toString('latin1', at + 257, at + 262) === 'ustar';
      const prefix = ustar && h[at + 345] !== 0 ? cString(h, at + 345, 155) : '';
      rawName = prefix ? `${prefix}/${name}` : name;
    }
    const longLink = this.longLink;
    this.longName = undefined;
    this.longLink = undefined;
    let entryType = type === GNU_SPARSE ? 'file' : TYPES[type];
    // Old archives mark directories only by a trailing slash.
    if (entryType === 'file' && rawName.endsWith('/')) entryType = 'directory';
    const dataSize = local?.size ?? global?.size ?? size;
    if (!entryType) {
      // A member type a rootfs does not hold (volume labels, multi-volume continuations...): skip its data.
      this.skipData(dataSize);
      return;
    }
    // A sparse file (tar --sparse) stores only its data segments: its size is the real one.
    let sparse: SparseLayout | undefined;
    if (type === GNU_SPARSE) sparse = { realSize: numeric(h, at + 483, 12), map: gnuSparseMap(h, at + 386, 4) };
    else if (entryType === 'file' && local?.sparseRealSize !== undefined) {
      sparse = { realSize: local.sparseRealSize, map: local.sparseMajor === 1 ? undefined : (local.sparseMap ?? []) };
    }
    const entry: TarEntry = {
      path: entryPath(rawName),
      type: entryType,
      mode: numeric(h, at + 100, 8) & 0o7777,
      uid: local?.uid ?? global?.uid ?? numeric(h, at + 108, 8),
      gid: local?.gid ?? global?.gid ?? numeric(h, at + 116, 8),
      size: entryType === 'file' ? (sparse?.realSize ?? dataSize) : 0,
      mtime: local?.mtime ?? global?.mtime ?? numeric(h, at + 136, 12),
      offset: this.position + BLOCK,
    };
    if (entryType === 'symlink' || entryType === 'hardlink') {
      const rawLink = local?.linkpath ?? global?.linkpath ?? longLink ?? cString(h, at + 157, 100);
      entry.linkTarget = entryType === 'hardlink' ? normaliseEntryPath(rawLink) : rawLink;
    }
    if (entryType === 'char' || entryType === 'block') {
      entry.devMajor = numeric(h, at + 329, 8);
      entry.devMinor = numeric(h, at + 337, 8);
    }
    const capability = local?.capability ?? global?.capability;
    if (capability) entry.capability = capability;
    if (sparse) entry.sparse = true;
    // GNU's sparse map goes on in extension blocks before the data when it has more than four segments.
    if (type === GNU_SPARSE && h[at + 482] !== 0) this.sparseExtension = { entry, dataSize, sparse: sparse! };
    else this.member(entry, dataSize, sparse);
  }

  /** One block of a GNU sparse map's continuation: 21 more segments, and whether another block follows. */
  private gnuSparseExtension(h: Buffer, at: number): void {
    const pending = this.sparseExtension!;
    pending.sparse.map!.push(...gnuSparseMap(h, at, 21));
    if (h[at + 504] !== 0) return;
    this.sparseExtension = undefined;
    pending.entry.offset = this.position + BLOCK;
    this.member(pending.entry, pending.dataSize, pending.sparse);
  }

  /** Report a member and step over its data, keeping what the handler asks for. */
  private member(entry: TarEntry, dataSize: number, sparse: SparseLayout | undefined): void {
    const asked = this.handlers.onEntry(entry);
    const keep = entry.type === 'file' ? Math.min(asked ?? 0, entry.size) : 0;
    // A hard link carries no data even when its header says a size.
    const stored = entry.type === 'hardlink' ? 0 : dataSize;
    // A sparse member's segments (and map) are kept whole: the content is put together at the end.
    this.skipData(stored, keep > 0 ? { entry, keep, sparse } : undefined);
  }

  /** Step over `size` bytes of content (and padding), keeping the first `wanted.keep` bytes of content for onContent. */
  private skipData(size: number, wanted?: { entry: TarEntry; keep: number; sparse?: SparseLayout }): void {
    if (size === 0) {
      this.state = HEADER;
      if (wanted) this.handlers.onContent?.(wanted.entry, wanted.sparse ? Buffer.alloc(wanted.keep) : Buffer.alloc(0));
      return;
    }
    this.state = {
      kind: 'data',
      wanted: wanted?.entry,
      remaining: size,
      padding: roundUp(size) - size,
      kept: wanted ? Buffer.allocUnsafe(wanted.sparse ? size : Math.min(wanted.keep, size)) : undefined,
      have: 0,
      sparse: wanted?.sparse,
      keep: wanted?.keep ?? 0,
    };
  }

  /** An extended header's data, b[start, end): it applies to the next member (or, 'g', to all that follow). */
  private meta(type: number, b: Buffer, start: number, end: number): void {
    if (type === 0x78) paxRecords(b, start, end, (this.local = {}));
    else if (type === 0x67) {
      paxRecords(b, start, end, this.global);
      this.hasGlobal = true;
    } else if (type === 0x4c) this.longName = cString(b, start, end - start);
    else this.longLink = cString(b, start, end - start);
  }
}
