// Draws the extension's icons: images/icon.png (128x128, the Marketplace
// needs a PNG) and images/image-sh.svg (the file icon of image.sh). The same
// picture in both: a stack of three layers, a rootfs being built.
// Run: node scripts/gen-icons.mjs  (the results are committed).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Layers as rhombi (centre x, centre y, half width, half height) in a 0..1 box, bottom first.
const LAYERS = [
  { cy: 0.66, colour: [0x4f, 0x9d, 0xde] },
  { cy: 0.52, colour: [0x7c, 0xc4, 0xf0] },
  { cy: 0.38, colour: [0xd6, 0xee, 0xfb] },
];
const HALF_W = 0.3;
const HALF_H = 0.14;
const BACKGROUND = [0x1e, 0x3a, 0x5f];

function inRhombus(x, y, cy) {
  return Math.abs(x - 0.5) / HALF_W + Math.abs(y - cy) / HALF_H <= 1;
}

function inRoundedSquare(x, y, r) {
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

function pixel(x, y) {
  if (!inRoundedSquare(x, y, 0.18)) return [0, 0, 0, 0];
  let colour = BACKGROUND;
  for (const l of LAYERS) if (inRhombus(x, y, l.cy)) colour = l.colour;
  return [...colour, 255];
}

function png(size) {
  const S = 4; // supersampling per axis
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const p = pixel((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          for (let i = 0; i < 3; i++) sum[i] += p[i] * p[3];
          sum[3] += p[3];
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const a = sum[3] / (S * S);
      for (let i = 0; i < 3; i++) raw[o + i] = sum[3] ? Math.round(sum[i] / sum[3]) : 0;
      raw[o + 3] = Math.round(a);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function svg() {
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const rhombus = (cy) =>
    [
      [0.5 - HALF_W, cy],
      [0.5, cy - HALF_H],
      [0.5 + HALF_W, cy],
      [0.5, cy + HALF_H],
    ]
      .map(([x, y]) => `${(x * 16).toFixed(2)},${(y * 16).toFixed(2)}`)
      .join(' ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">\n` +
    LAYERS.map((l) => `  <polygon points="${rhombus(l.cy)}" fill="${hex(l.colour)}"/>\n`).join('') +
    '</svg>\n'
  );
}

writeFileSync(join(root, 'images/icon.png'), png(128));
writeFileSync(join(root, 'images/image-sh.svg'), svg());
