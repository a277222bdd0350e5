// Assembles the README's animated picture (an APNG, which browsers, GitHub and the Marketplace
// play) from the frames the UI test "README demo" saves as test-artifacts/demo-NN.png:
//
//   FLUX_TEST_GREP='README demo' npm run test:ui && node scripts/make-demo.mjs
//
// Pure Node (pngjs is a dev dependency): each frame is encoded once by pngjs, and its IDAT data
// becomes the frame's data in the animation (IDAT for the first, fdAT for the rest).
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const framesDir = join(root, 'test-artifacts');
const out = join(root, 'docs', 'demo.png');
/** How long each frame stays, in milliseconds (the last one lingers; then it starts over). */
const DELAYS = [1400, 1400, 1600, 1800, 3000];

const files = readdirSync(framesDir).filter((n) => /^demo-\d+\.png$/.test(n)).sort();
if (files.length === 0) throw new Error(`No test-artifacts/demo-NN.png: run the UI test "README demo" first.`);

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The IHDR data and the concatenated IDAT data of a PNG file. */
function readChunks(png) {
  let ihdr;
  const idat = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  return { ihdr, idat: Buffer.concat(idat) };
}

const frames = files.map((name) => {
  const decoded = PNG.sync.read(readFileSync(join(framesDir, name)));
  // RGB without alpha: screenshots are opaque, and a third less data.
  return readChunks(PNG.sync.write(decoded, { colorType: 2, deflateLevel: 9 }));
});
const { ihdr } = frames[0];
const width = ihdr.readUInt32BE(0);
const height = ihdr.readUInt32BE(4);
for (const [i, f] of frames.entries()) {
  if (f.ihdr.readUInt32BE(0) !== width || f.ihdr.readUInt32BE(4) !== height) throw new Error(`${files[i]} is not ${width}x${height}`);
}

let sequence = 0;
function frameControl(index) {
  const data = Buffer.alloc(26);
  data.writeUInt32BE(sequence++, 0);
  data.writeUInt32BE(width, 4);
  data.writeUInt32BE(height, 8);
  data.writeUInt32BE(0, 12); // x offset
  data.writeUInt32BE(0, 16); // y offset
  data.writeUInt16BE(DELAYS[Math.min(index, DELAYS.length - 1)], 20);
  data.writeUInt16BE(1000, 22); // delay denominator: milliseconds
  data[24] = 0; // dispose: none
  data[25] = 0; // blend: source
  return chunk('fcTL', data);
}

const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
const animation = Buffer.alloc(8);
animation.writeUInt32BE(frames.length, 0);
animation.writeUInt32BE(0, 4); // play forever
parts.push(chunk('acTL', animation));
for (const [i, f] of frames.entries()) {
  parts.push(frameControl(i));
  if (i === 0) {
    parts.push(chunk('IDAT', f.idat));
  } else {
    const seq = Buffer.alloc(4);
    seq.writeUInt32BE(sequence++, 0);
    parts.push(chunk('fdAT', Buffer.concat([seq, f.idat])));
  }
}
parts.push(chunk('IEND', Buffer.alloc(0)));
const apng = Buffer.concat(parts);
writeFileSync(out, apng);
process.stdout.write(`${out}: ${frames.length} frames, ${width}x${height}, ${(apng.length / 1024).toFixed(0)} KB\n`);
