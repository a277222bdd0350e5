// The model table, FLUX.2's size arithmetic, and the native request body built from them.
import * as assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { dimensionsFor, MAX_PIXELS, MEGAPIXEL, normalizePixelSize, pixelDimensions, ratioDimensions } from '../../src/core/dimensions';
import { FluxError } from '../../src/core/errors';
import { checkModelRequest, inputImageFields, MODELS, modelInfo, modelRoute } from '../../src/core/models';
import { ASPECT_RATIOS, normalizeParams, normalizeSizeFor } from '../../src/core/params';
import { nativeBody, nativeFields } from '../../src/core/providers/native';
import type { ImageRequest, InputImage } from '../../src/core/providers/types';

function invalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput' && pattern.test(e.message));
}

const img = (n: number, fill = 1): InputImage => ({ bytes: new Uint8Array(n).fill(fill), name: `r${fill}.png`, mime: 'image/png' });

describe('FLUX.2 sizes', () => {
  for (const mp of [0.25, 1, 2, 4]) {
    for (const ratio of ASPECT_RATIOS) {
      it(`${ratio} at ${mp} MP: multiples of 16, the ratio kept, about ${mp} MP, never over 4 MP`, () => {
        const { width, height } = ratioDimensions(ratio, mp);
        const [w, h] = ratio.split('x').map(Number) as [number, number];
        assert.equal(width % 16, 0);
        assert.equal(height % 16, 0);
        assert.ok(width >= 64 && height >= 64);
        assert.ok(width * height <= MAX_PIXELS, `${width}x${height}`);
        assert.ok(Math.abs(width / height - w / h) / (w / h) < 0.03, `${width}x${height} is not ${ratio}`);
        assert.ok(Math.abs((width * height) / MEGAPIXEL - mp) / mp < 0.04, `${width}x${height} is not ~${mp} MP`);
      });
    }
  }
  it('gives the familiar sizes at 1 MP and 2048x2048 at 4 MP', () => {
    assert.deepEqual(ratioDimensions('1x1', 1), { width: 1024, height: 1024 });
    assert.deepEqual(ratioDimensions('1x1', 4), { width: 2048, height: 2048 });
    assert.deepEqual(ratioDimensions('16x9', 1), { width: 1360, height: 768 });
    assert.deepEqual(ratioDimensions('16x9', 4), { width: 2720, height: 1536 });
  });
  it('rounds pixels to multiples of 16 and refuses under 64 or over 4 MP before any request', () => {
    assert.deepEqual(pixelDimensions(1000, 750), { width: 1008, height: 752 });
    assert.equal(normalizePixelSize('1000x1000'), '1008x1008');
    assert.equal(normalizePixelSize('2048x2048'), '2048x2048');
    assert.equal(normalizePixelSize('4096x1024'), '4096x1024');
    assert.equal(normalizePixelSize('16:9'), '16x9');
    invalid(() => normalizePixelSize('4096x4096'), /4096x4096 is too large for FLUX\.2.*4,194,304/);
    invalid(() => normalizePixelSize('2064x2048'), /too large/);
    invalid(() => normalizePixelSize('48x1024'), /48x1024 is too small.*at least 64/);
    invalid(() => normalizePixelSize('21x9'), /not offered/);
  });
  it('normalises by model: FLUX.2 pixels, Kontext 256–2048 as before', () => {
    assert.equal(normalizeSizeFor('1000x750', 'flux-2-pro'), '1008x752');
    assert.equal(normalizeSizeFor('3000x1000', 'flux-2-klein-4b'), '3008x1008');
    invalid(() => normalizeSizeFor('3000x1000', 'flux-kontext-pro'), /between 256 and 2048/);
    assert.equal(normalizeSizeFor('1000x750', 'flux-kontext-pro'), '1000x750');
    assert.equal(normalizeParams({ prompt: 'a', model: 'flux-2-max', size: '100x100', seed: -1 }).size, '96x96');
    invalid(() => normalizeParams({ prompt: 'a', model: 'flux-2-max', size: '4096x4096', seed: -1 }), /too large/);
  });
  it('a ratio follows the megapixels; pixels ignore them', () => {
    assert.deepEqual(dimensionsFor('3x2', 0.25), ratioDimensions('3x2', 0.25));
    assert.deepEqual(dimensionsFor('1008x752', 4), { width: 1008, height: 752 });
  });
});

describe('model table', () => {
  it('groups the models: FLUX.2 first, then Kontext; every name once', () => {
    assert.deepEqual(
      MODELS.map((m) => `${m.family}:${m.id}`),
      ['FLUX.2:flux-2-pro', 'FLUX.2:flux-2-max', 'FLUX.2:flux-2-flex', 'FLUX.2:flux-2-klein-4b', 'FLUX.2:flux-2-klein-9b', 'FLUX.1 Kontext:flux-kontext-max', 'FLUX.1 Kontext:flux-kontext-pro', 'FLUX.1 Kontext:flux-kontext-dev'],
    );
  });
  it('routes FLUX.2 natively through both providers, Kontext as before, unknown names like Kontext', () => {
    for (const id of ['flux-2-pro', 'flux-2-klein-9b']) {
      assert.equal(modelRoute(id, 'dmxapi').api, 'native');
      assert.equal(modelRoute(id, 'bfl').size, 'pixels');
    }
    assert.equal(modelRoute('flux-kontext-pro', 'dmxapi').api, 'openai');
    assert.equal(modelRoute('flux-kontext-pro', 'bfl').size, 'aspect_ratio');
    assert.equal(modelRoute('my-gateway-model', 'dmxapi').api, 'openai');
    assert.equal(modelInfo('my-gateway-model'), undefined);
  });
  it('limits images per model and provider, counting an edit input, with a message naming the limit', () => {
    const req = (model: string, refs: number, edit = false): ImageRequest => ({ prompt: 'p', model, size: '1x1', seed: -1, references: Array.from({ length: refs }, (_, i) => img(3, i)), ...(edit ? { image: img(3) } : {}) });
    for (const [model, max] of [['flux-2-pro', 8], ['flux-2-max', 8], ['flux-2-flex', 8], ['flux-2-klein-4b', 4], ['flux-2-klein-9b', 4]] as const) {
      for (const provider of ['dmxapi', 'bfl'] as const) {
        checkModelRequest(req(model, max), provider);
        checkModelRequest(req(model, max - 1, true), provider);
        invalid(() => checkModelRequest(req(model, max + 1), provider), new RegExp(`${model} through ${provider} takes at most ${max} images.*${max + 1} were given`));
        invalid(() => checkModelRequest(req(model, max, true), provider), new RegExp(`at most ${max} images`));
      }
    }
    checkModelRequest(req('flux-kontext-pro', 4), 'bfl');
    invalid(() => checkModelRequest(req('flux-kontext-pro', 5), 'bfl'), /at most 4 images/);
    checkModelRequest(req('flux-kontext-pro', 0, true), 'dmxapi');
    invalid(() => checkModelRequest(req('flux-kontext-pro', 1), 'dmxapi'), /flux-kontext-pro through dmxapi takes no reference images/);
    invalid(() => checkModelRequest({ ...req('flux-2-pro', 0), size: '4096x4096' }, 'bfl'), /too large/);
  });
});

describe('native request body', () => {
  const base: ImageRequest = { prompt: 'a fox', model: 'flux-2-pro', size: '16x9', seed: 5 };
  it('FLUX.2 through either provider: width and height, output_format, prompt_upsampling; no size, aspect_ratio or n', () => {
    for (const provider of ['dmxapi', 'bfl'] as const) {
      assert.deepEqual(nativeFields(base, modelRoute('flux-2-pro', provider)), { prompt: 'a fox', seed: 5, width: 1360, height: 768, output_format: 'png', prompt_upsampling: false });
    }
    assert.deepEqual(nativeFields({ ...base, model: 'flux-2-klein-4b', seed: -1, megapixels: 4, size: '1x1', outputFormat: 'jpeg', promptUpsampling: true }, modelRoute('flux-2-klein-4b', 'bfl')), {
      prompt: 'a fox',
      width: 2048,
      height: 2048,
      output_format: 'jpeg',
      prompt_upsampling: true,
    });
  });
  it('flux-2-flex sends steps and guidance only when set; other models never', () => {
    const flex = modelRoute('flux-2-flex', 'dmxapi');
    assert.equal(nativeFields({ ...base, model: 'flux-2-flex' }, flex).steps, undefined);
    const fields = nativeFields({ ...base, model: 'flux-2-flex', steps: 30, guidance: 4.5 }, flex);
    assert.equal(fields.steps, 30);
    assert.equal(fields.guidance, 4.5);
    assert.equal(nativeFields({ ...base, steps: 30 }, modelRoute('flux-2-pro', 'bfl')).steps, undefined);
  });
  it('Kontext through bfl as before: aspect_ratio and png, prompt_upsampling only when asked', () => {
    const route = modelRoute('flux-kontext-pro', 'bfl');
    assert.deepEqual(nativeFields({ ...base, model: 'flux-kontext-pro' }, route), { prompt: 'a fox', seed: 5, aspect_ratio: '16:9', output_format: 'png' });
    assert.deepEqual(nativeFields({ ...base, model: 'flux-kontext-pro', promptUpsampling: true, outputFormat: 'jpeg', size: undefined }, route), {
      prompt: 'a fox',
      seed: 5,
      output_format: 'jpeg',
      prompt_upsampling: true,
    });
  });
  it('numbers the images without gaps, the edit input first, and streams exactly Content-Length bytes of valid JSON', async () => {
    const refs = [img(100_001, 2), img(5, 3), img(0x30000 + 7, 4)];
    const req: ImageRequest = { ...base, image: img(49_152 * 2 + 1, 1), references: refs };
    assert.deepEqual(
      inputImageFields(req).map((f) => f.field),
      ['input_image', 'input_image_2', 'input_image_3', 'input_image_4'],
    );
    const body = nativeBody(req, modelRoute('flux-2-pro', 'dmxapi'));
    const bytes = await buffer(body.stream());
    assert.equal(bytes.length, body.length);
    const json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    assert.equal(json.input_image, Buffer.from(req.image!.bytes).toString('base64'));
    refs.forEach((r, i) => assert.equal(json[`input_image_${i + 2}`], Buffer.from(r.bytes).toString('base64')));
    assert.equal(json.width, 1360);
    // A second stream (a retry) is the same.
    assert.ok((await buffer(body.stream())).equals(bytes));
    const refsOnly = nativeBody({ ...base, references: [img(3, 9)] }, modelRoute('flux-2-pro', 'bfl'));
    assert.deepEqual(refsOnly.imageFields, ['input_image']);
  });
});
