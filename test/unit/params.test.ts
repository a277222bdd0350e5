import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { MAX_PROMPT_LENGTH, normalizeModel, normalizeParams, normalizePrompt, normalizeSeed, normalizeSize, parseSize, ratioPixels, readCommandArgs } from '../../src/core/params';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput' && pattern.test(e.message));
}

describe('size', () => {
  it('accepts the seven ratios and normalises separators', () => {
    for (const r of ['1x1', '2x3', '3x2', '3x4', '4x3', '9x16', '16x9']) assert.equal(normalizeSize(r), r);
    assert.equal(normalizeSize('16:9'), '16x9');
    assert.equal(normalizeSize(' 16 X 9 '), '16x9');
    assert.equal(normalizeSize('16×9'), '16x9');
  });
  it('accepts pixel sizes in range', () => {
    assert.deepEqual(parseSize('1024x768'), { kind: 'pixels', width: 1024, height: 768 });
    assert.equal(normalizeSize('256x2048'), '256x2048');
  });
  it('refuses unknown ratios, out-of-range pixels and garbage with a message naming the choices', () => {
    invalid(() => parseSize('21x9'), /21:9 is not offered.*16x9/);
    invalid(() => parseSize('3v2'), /not a size/);
    invalid(() => parseSize('100x100'), /between 256 and 2048/);
    invalid(() => parseSize('4096x4096'), /out of range/);
    invalid(() => parseSize(''), /not a size/);
    invalid(() => parseSize('big'), /not a size/);
  });
  it('maps ratios to about one megapixel with the right shape', () => {
    assert.deepEqual(ratioPixels('1x1'), { width: 1024, height: 1024 });
    const wide = ratioPixels('16x9');
    assert.ok(wide.width > wide.height);
    assert.ok(Math.abs(wide.width / wide.height - 16 / 9) < 0.05);
  });
});

describe('prompt, seed, model', () => {
  it('trims prompts and refuses empty or huge ones', () => {
    assert.equal(normalizePrompt('  a fox \n'), 'a fox');
    invalid(() => normalizePrompt('   \n\t'), /empty/);
    invalid(() => normalizePrompt(undefined), /empty/);
    assert.equal(normalizePrompt('x'.repeat(MAX_PROMPT_LENGTH)).length, MAX_PROMPT_LENGTH);
    invalid(() => normalizePrompt('x'.repeat(MAX_PROMPT_LENGTH + 1)), /limit is 4000/);
  });
  it('keeps Chinese, emoji, Markdown and quotes as they are', () => {
    const p = '漫画风格的学习英文单词图:“Hello” 🦊 **bold** `code` "quoted"';
    assert.equal(normalizePrompt(p), p);
  });
  it('takes -1 and whole numbers as seeds, refuses the rest', () => {
    assert.equal(normalizeSeed(-1), -1);
    assert.equal(normalizeSeed(0), 0);
    assert.equal(normalizeSeed('42'), 42);
    invalid(() => normalizeSeed(1.5), /not valid/);
    invalid(() => normalizeSeed('abc'), /not valid/);
    invalid(() => normalizeSeed(-2), /not valid/);
    invalid(() => normalizeSeed(Number.NaN), /not valid/);
  });
  it('takes known and well-formed model names, refuses garbage', () => {
    assert.equal(normalizeModel('flux-kontext-max'), 'flux-kontext-max');
    assert.equal(normalizeModel('flux-1.1-pro'), 'flux-1.1-pro');
    invalid(() => normalizeModel(''), /not a model name/);
    invalid(() => normalizeModel('rm -rf /'), /not a model name/);
    invalid(() => normalizeModel(42), /not a model name/);
  });
  it('normalises a whole request', () => {
    assert.deepEqual(normalizeParams({ prompt: ' fox ', model: 'flux-kontext-pro', size: '16:9', seed: 7 }), { prompt: 'fox', model: 'flux-kontext-pro', size: '16x9', seed: 7 });
  });
});

describe('command arguments', () => {
  it('reads the contract object and ignores menu URIs and other non-plain values', () => {
    assert.deepEqual(readCommandArgs({ prompt: 'p', model: 'm', size: '1x1', seed: 3 }), { prompt: 'p', model: 'm', size: '1x1', seed: 3 });
    assert.deepEqual(readCommandArgs(undefined), {});
    assert.deepEqual(readCommandArgs(new URL('file:///x.md')), {});
    assert.deepEqual(readCommandArgs(['p']), {});
  });
  it('refuses wrong field types', () => {
    invalid(() => readCommandArgs({ prompt: 5 }), /prompt.*string/);
    invalid(() => readCommandArgs({ seed: '5' }), /seed.*whole number/);
    invalid(() => readCommandArgs({ seed: 1.5 }), /seed/);
  });
});
