/**
 * `npx tsx scripts/generate-icons.ts` — writes the app icon in the places Next.js 16's file conventions look for it:
 * `app/icon.svg` (the icon), `app/favicon.ico` (what browsers ask for by default) and `app/apple-icon.png` (180×180,
 * iOS home screen), and `public/icon.svg` for anything that wants a plain URL. No image library: the shapes are simple
 * (a dark rounded square with three rising emerald bars), so each pixel's coverage is computed here, 4×4 supersampled,
 * and written as PNG with node:zlib. Run it again after changing the shapes below; the outputs are committed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

type Rgb = [number, number, number];
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  r: number;
  fill: Rgb;
}

/** In a 32×32 design space. */
const BACKGROUND: Box = { x: 0, y: 0, w: 32, h: 32, r: 7, fill: [0x18, 0x18, 0x1b] };
const BARS: Box[] = [
  { x: 7, y: 18, w: 4.5, h: 7, r: 1.2, fill: [0x34, 0xd3, 0x99] },
  { x: 13.75, y: 13, w: 4.5, h: 12, r: 1.2, fill: [0x34, 0xd3, 0x99] },
  { x: 20.5, y: 7, w: 4.5, h: 18, r: 1.2, fill: [0x34, 0xd3, 0x99] },
];

const hex = ([r, g, b]: Rgb) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;

export function iconSvg(): string {
  const rect = (b: Box) => `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${b.r}" fill="${hex(b.fill)}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${[BACKGROUND, ...BARS].map(rect).join("")}</svg>\n`;
}

function inside(b: Box, x: number, y: number): boolean {
  if (x < b.x || y < b.y || x > b.x + b.w || y > b.y + b.h) return false;
  const cx = Math.min(Math.max(x, b.x + b.r), b.x + b.w - b.r);
  const cy = Math.min(Math.max(y, b.y + b.r), b.y + b.h - b.r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= b.r ** 2;
}

/** RGBA pixels of the icon at size×size; `opaque` fills the corners (iOS rounds them itself). */
function render(size: number, opaque: boolean): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) * 32) / size;
          const y = ((py + (sy + 0.5) / samples) * 32) / size;
          const bar = BARS.find((box) => inside(box, x, y));
          const fill = bar ? bar.fill : opaque || inside(BACKGROUND, x, y) ? BACKGROUND.fill : null;
          if (!fill) continue;
          r += fill[0];
          g += fill[1];
          b += fill[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a === 0) continue;
      pixels[o] = Math.round(r / a);
      pixels[o + 1] = Math.round(g / a);
      pixels[o + 2] = Math.round(b / a);
      pixels[o + 3] = Math.round((255 * a) / samples ** 2);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function png(size: number, opaque = false): Buffer {
  const pixels = render(size, opaque);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** An .ico holding PNG images (supported by every current browser). */
export function ico(sizes: number[]): Buffer {
  const images = sizes.map((size) => png(size));
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(images[i]!.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += images[i]!.length;
  });
  return Buffer.concat([header, ...images]);
}

const root = path.resolve(import.meta.dirname, "..");
mkdirSync(path.join(root, "public"), { recursive: true });
writeFileSync(path.join(root, "app/icon.svg"), iconSvg());
writeFileSync(path.join(root, "public/icon.svg"), iconSvg());
writeFileSync(path.join(root, "app/favicon.ico"), ico([16, 32, 48]));
writeFileSync(path.join(root, "app/apple-icon.png"), png(180, true));
console.log("Wrote app/icon.svg, public/icon.svg, app/favicon.ico, app/apple-icon.png");
