// Image fixtures for tests and benchmarks. Everything is deterministic from the seed, so a
// failing test can be replayed, and cached, because benchmarks ask for the same image often.
import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';

export type PngStyle = 'gradient' | 'photo';

export interface MakePngOptions {
  /** Any integer; the same (size, seed, style) always gives the same bytes. Default 0. */
  readonly seed?: number;
  /**
   * 'gradient' (default): flat colours that depend on the seed; compresses to almost nothing,
   * so keep it for small images. 'photo': smooth structure plus per-pixel noise, so it
   * compresses like a photograph: 1024x1024 is about 2.4 MB.
   */
  readonly style?: PngStyle;
}

/** A 1x1 grey baseline JPEG (159 bytes, made by ImageMagick), decodable by any viewer. */
export const JPEG_BYTES: Buffer = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z',
  'base64',
);

/** A 1x1 lossless WebP (34 bytes: RIFF header, WEBP, one VP8L chunk). */
export const WEBP_BYTES: Buffer = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

/** A 1x1 lossy WebP (42 bytes: the simple layout, one VP8 chunk). */
export const WEBP_LOSSY_BYTES: Buffer = Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');

/**
 * The start of a C2PA manifest store as JUMBF (ISO 19566-5; C2PA 2.1 §11.1.4): a `jumb` superbox
 * whose `jumd` description has the C2PA UUID and the label `c2pa`, then stand-in content. Not a
 * signed manifest: what the tests need is a file that must not be touched.
 */
export function c2paJumbf(): Buffer {
  const uuid = Buffer.from('6332706100110010800000aa00389b71', 'hex');
  const jumdData = Buffer.concat([uuid, Buffer.from([0x03]), Buffer.from('c2pa\0', 'latin1')]);
  const box = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data]);
  };
  const content = box('json', Buffer.from('{"claim_generator":"fake c2pa signer"}'));
  return box('jumb', Buffer.concat([box('jumd', jumdData), content]));
}

/** JPEG_BYTES with a C2PA APP11 segment (JPEG XT: `JP`, box instance 1, sequence 1, the JUMBF) after APP0. */
export const JPEG_C2PA_BYTES: Buffer = (() => {
  const payload = Buffer.concat([Buffer.from('JP', 'latin1'), Buffer.from([0, 1, 0, 0, 0, 1]), c2paJumbf()]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xeb, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  const app0End = 4 + JPEG_BYTES.readUInt16BE(4);
  return Buffer.concat([JPEG_BYTES.subarray(0, app0End), segment, JPEG_BYTES.subarray(app0End)]);
})();

/** A PNG from makePng with a C2PA `caBX` chunk right after IHDR (a new Buffer). */
export function makeC2paPng(width: number, height: number, options: MakePngOptions = {}): Buffer {
  const png = makePng(width, height, options);
  const data = c2paJumbf();
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('caBX', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/** What a misconfigured proxy or CDN hands back instead of an image. */
export const NOT_AN_IMAGE: Buffer = Buffer.from('<html><body>oops</body></html>');

/** Bounded so a benchmark that walks through many seeds cannot grow memory without limit. */
const CACHE_MAX_BYTES = 96 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

/**
 * A valid PNG (RGB, 8 bits) of the given size. The returned Buffer is shared with the cache:
 * treat it as read-only (copy it before changing bytes).
 */
export function makePng(width: number, height: number, options: MakePngOptions = {}): Buffer {
  const seed = Math.trunc(options.seed ?? 0);
  const style: PngStyle = options.style ?? 'gradient';
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new RangeError(`makePng: bad size ${width}x${height}`);
  }
  const key = `${width}x${height}:${seed}:${style}`;
  const hit = cache.get(key);
  if (hit) {
    // Move to the back: the Map's order is the eviction order.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const rgb = style === 'photo' ? photoPixels(width, height, seed) : gradientPixels(width, height, seed);
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = rgb;
  // A gradient gets one filter (Sub) for every row: as small as pngjs's per-row choice of five,
  // and about eight times faster (the fake makes a new 1024x1024 one for each default answer,
  // in the extension host the tests run in). A photo keeps the choice: benchmarks rely on its size.
  const filter = style === 'photo' ? {} : { filterType: 1 };
  const bytes = PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, ...filter });
  remember(key, bytes);
  return bytes;
}

/** Drops every cached image (for memory measurements). */
export function clearPngCache(): void {
  cache.clear();
  cachedBytes = 0;
}

function remember(key: string, bytes: Buffer): void {
  cache.set(key, bytes);
  cachedBytes += bytes.length;
  for (const [k, v] of cache) {
    if (cachedBytes <= CACHE_MAX_BYTES || k === key) break;
    cache.delete(k);
    cachedBytes -= v.length;
  }
}

/** mulberry32: tiny, fast, good enough for pictures. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gradientPixels(width: number, height: number, seed: number): Buffer {
  const rnd = random(seed ^ 0x5eed);
  const from = [rnd() * 255, rnd() * 255, rnd() * 255];
  const to = [rnd() * 255, rnd() * 255, rnd() * 255];
  const span = Math.max(1, width + height - 2);
  // A pixel's colour depends on x + y only: one diagonal line of colours, each row a window of it.
  const line = Buffer.alloc((width + height - 1) * 3);
  for (let k = 0; k < width + height - 1; k++) {
    for (let c = 0; c < 3; c++) line[k * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * (k / span));
  }
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) line.copy(out, y * width * 3, y * 3, (y + width) * 3);
  return out;
}

/**
 * Low-frequency value noise and a soft wave per channel (the "scene"), plus per-pixel noise
 * (the "grain") whose amplitude was tuned so that PNG compresses it like a photograph.
 */
function photoPixels(width: number, height: number, seed: number): Buffer {
  const rnd = random(seed);
  const cells = 9;
  const stride = cells + 1;
  const grids: Float32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const g = new Float32Array(stride * stride);
    for (let i = 0; i < g.length; i++) g[i] = rnd();
    grids.push(g);
  }
  const freq = [rnd() * 6, rnd() * 6, rnd() * 6];
  const phase = [rnd() * 2 * Math.PI, rnd() * 2 * Math.PI, rnd() * 2 * Math.PI];
  const grain = 40;
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const gy = (y / height) * cells;
    const y0 = Math.floor(gy);
    const ty = gy - y0;
    const sy = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < width; x++) {
      const gx = (x / width) * cells;
      const x0 = Math.floor(gx);
      const tx = gx - x0;
      const sx = tx * tx * (3 - 2 * tx);
      const o = (y * width + x) * 3;
      const shared = next() - 0.5; // luminance grain, common to the three channels
      for (let c = 0; c < 3; c++) {
        const g = grids[c]!;
        const i = y0 * stride + x0;
        const v = (g[i]! * (1 - sx) + g[i + 1]! * sx) * (1 - sy) + (g[i + stride]! * (1 - sx) + g[i + stride + 1]! * sx) * sy;
        const wave = 25 * Math.sin(((x * freq[c]!) / width + (y * freq[(c + 1) % 3]!) / height) * 2 * Math.PI + phase[c]!);
        const value = 40 + 170 * v + wave + grain * (shared * 1.2 + (next() - 0.5) * 0.8);
        out[o + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return out;
}
