import * as assert from 'node:assert/strict';
import type { JournalFile } from '../../src/core/journal';
import { isCompleteImage } from '../../src/core/imageType';
import { isStopped, parseJournal, recoveryOf, RESULT_LIFETIME_MS, serializeJournal, STALE_AFTER_MS } from '../../src/core/journal';
import { makePng, JPEG_BYTES, WEBP_BYTES } from '../fake/png';

const NOW = Date.UTC(2026, 11, 7, 12);
const job = { prompt: 'A lantern in the fog', model: 'flux-2-pro', size: '16x9', seed: 7, provider: 'dmxapi' as const };
const file: JournalFile = {
  version: 1,
  pid: 4242,
  heartbeat: NOW,
  entries: [
    { id: 'a1', startedAt: NOW - 5000, job, task: { pollUrl: 'https://www.dmxapi.cn/flux/v1/get_result?id=abc', acceptedAt: NOW - 4000 } },
    { id: 'b2', startedAt: NOW - 3000, job: { ...job, provider: 'bfl', size: '', source: { path: 'pics/a.png', sha256: 'f'.repeat(64) } }, bytesFile: 'b2.bin', seed: 12 },
    // made in a house style: its name, template and the prompt sent, and the style's format and megapixels
    {
      id: 'c3',
      startedAt: NOW - 2000,
      job: { ...job, megapixels: 2, outputFormat: 'jpeg', style: { name: 'ink', prompt: 'Ink drawing of {prompt}, white ground' }, sentPrompt: 'Ink drawing of A lantern in the fog, white ground' },
      bytesFile: 'c3.bin',
    },
  ],
};

describe('journal of paid work in flight', () => {
  it('reads back what it wrote', () => {
    assert.deepEqual(parseJournal(serializeJournal(file)), file);
  });

  it('keeps only its own fields: a key written into the file by hand is never read back', () => {
    const tampered = JSON.parse(serializeJournal(file)) as Record<string, unknown> & { entries: Record<string, unknown>[] };
    tampered.apiKey = 'sk-secret';
    tampered.entries[0]!.headers = { authorization: 'Bearer sk-secret' };
    (tampered.entries[0]!.job as Record<string, unknown>).apiKey = 'sk-secret';
    const read = parseJournal(JSON.stringify(tampered));
    assert.ok(read);
    assert.ok(!JSON.stringify(read).includes('sk-secret'));
  });

  it('refuses what is not a journal and drops entries that are not whole', () => {
    for (const bad of ['', 'null', '[]', '{"version":2,"pid":1,"heartbeat":1,"entries":[]}', serializeJournal({ ...file, pid: 0 })]) assert.equal(parseJournal(bad), undefined, bad);
    const mixed = JSON.parse(serializeJournal(file)) as { entries: unknown[] };
    mixed.entries.push({ id: '../../etc', startedAt: NOW, job }, { id: 'c9', startedAt: NOW, job: { ...job, provider: 'other' } }, { id: 'd4', startedAt: NOW, job, bytesFile: '../x.bin' });
    const read = parseJournal(JSON.stringify(mixed))!;
    assert.deepEqual(read.entries.map((e) => e.id), ['a1', 'b2', 'c3', 'd4']);
    assert.equal(read.entries[3]!.bytesFile, undefined, 'a bytes file outside the journal folder is not read');
    const notHttp = JSON.parse(serializeJournal(file)) as { entries: { task?: { pollUrl: string } }[] };
    notHttp.entries[0]!.task!.pollUrl = 'file:///etc/passwd';
    assert.equal(parseJournal(JSON.stringify(notHttp))!.entries[0]!.task, undefined);
  });

  it('recovers bytes always, a task only within the provider\'s ten minutes', () => {
    const [polled, kept] = file.entries as [JournalFile['entries'][0], JournalFile['entries'][0]];
    assert.equal(recoveryOf(kept, NOW + RESULT_LIFETIME_MS * 5), 'bytes');
    assert.equal(recoveryOf(polled, NOW), 'poll');
    assert.equal(recoveryOf(polled, polled.task!.acceptedAt + RESULT_LIFETIME_MS - 1), 'poll');
    assert.equal(recoveryOf(polled, polled.task!.acceptedAt + RESULT_LIFETIME_MS), 'expired');
    assert.equal(recoveryOf({ id: 'x', startedAt: NOW, job }, NOW), 'expired', 'nothing paid for yet');
  });

  it('tells a stopped window from a busy one: its process is gone, or it stopped writing', () => {
    assert.equal(isStopped(file, NOW + 1000, () => true), false);
    assert.equal(isStopped(file, NOW + 1000, () => false), true);
    assert.equal(isStopped(file, NOW + STALE_AFTER_MS + 1, () => true), true);
  });

  it('tells a whole image from one cut off while it was written', () => {
    const png = makePng(8, 8);
    assert.equal(isCompleteImage(png), true);
    assert.equal(isCompleteImage(png.subarray(0, png.length - 1)), false);
    assert.equal(isCompleteImage(png.subarray(0, png.length / 2)), false);
    assert.equal(isCompleteImage(JPEG_BYTES), true);
    assert.equal(isCompleteImage(JPEG_BYTES.subarray(0, JPEG_BYTES.length - 2)), false);
    assert.equal(isCompleteImage(WEBP_BYTES), true);
    assert.equal(isCompleteImage(WEBP_BYTES.subarray(0, WEBP_BYTES.length - 4)), false);
    assert.equal(isCompleteImage(new Uint8Array(0)), false);
    assert.equal(isCompleteImage(Buffer.from('not an image at all')), false);
  });
});
