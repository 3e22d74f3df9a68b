/**
 * A small PNG reader (8-bit greyscale/RGB/RGBA, non-interlaced: what Chromium writes) so tests and checks can
 * assert that an exported image has the right size and is not blank, without an image library.
 */
import { inflateSync } from "node:zlib";

/** Header facts of a PNG. */
export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

/** Decoded pixels: `channels` bytes per pixel, row-major. */
export interface PngImage extends PngInfo {
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Read the IHDR chunk; throws when `buf` is not a PNG. */
export function readPngInfo(buf: Uint8Array): PngInfo {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file (bad signature)");
  if (b.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG file (no IHDR chunk first)");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24]!, colorType: b[25]!, interlaced: b[28] === 1 };
}

/** Decode an 8-bit, non-interlaced greyscale (0), RGB (2), grey+alpha (4) or RGBA (6) PNG. */
export function decodePng(buf: Uint8Array): PngImage {
  const info = readPngInfo(buf);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[info.colorType];
  if (info.bitDepth !== 8 || channels === undefined || info.interlaced) {
    throw new Error(`unsupported PNG (bit depth ${info.bitDepth}, colour type ${info.colorType}, interlaced ${info.interlaced})`);
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const idat: Buffer[] = [];
  for (let off = 8; off + 8 <= b.length; ) {
    const len = b.readUInt32BE(off);
    const type = b.toString("latin1", off + 4, off + 8);
    if (type === "IDAT") idat.push(b.subarray(off + 8, off + 8 + len));
    if (type === "IEND") break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = info.width * channels;
  const pixels = new Uint8Array(stride * info.height);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[out + x - channels]! : 0;
      const up = y > 0 ? pixels[out - stride + x]! : 0;
      const c = y > 0 && x >= channels ? pixels[out - stride + x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      pixels[out + x] = v & 0xff;
    }
  }
  return { ...info, channels, pixels };
}

/** How much is drawn: the share of pixels that differ from the top-left (background) pixel, and distinct colours. */
export function pngInk(img: PngImage): { inkShare: number; distinctColors: number; colorShare(hex: string, tolerance?: number): number } {
  const { pixels, channels } = img;
  const n = img.width * img.height;
  const bg = Array.from(pixels.subarray(0, channels));
  let ink = 0;
  const colors = new Set<number>();
  for (let i = 0; i < n; i++) {
    let differs = false;
    let key = 0;
    for (let c = 0; c < channels; c++) {
      const v = pixels[i * channels + c]!;
      if (Math.abs(v - bg[c]!) > 8) differs = true;
      key = key * 256 + v;
    }
    if (differs) ink++;
    if (colors.size < 100_000) colors.add(key);
  }
  return {
    inkShare: ink / n,
    distinctColors: colors.size,
    colorShare(hex: string, tolerance = 6) {
      const rgb = [1, 3, 5].map((k) => parseInt(hex.replace("#", "").padEnd(6, "0").slice(k - 1, k + 1), 16));
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const p = i * channels;
        const [r, g, b] = channels >= 3 ? [pixels[p]!, pixels[p + 1]!, pixels[p + 2]!] : [pixels[p]!, pixels[p]!, pixels[p]!];
        if (Math.abs(r - rgb[0]!) <= tolerance && Math.abs(g - rgb[1]!) <= tolerance && Math.abs(b - rgb[2]!) <= tolerance) hits++;
      }
      return hits / n;
    },
  };
}
