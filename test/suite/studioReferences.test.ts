// The Studio's References row, host side, in the real extension host against the fake: a card's
// Use as Reference, Choose an image…, an Explorer drop, the megapixels, and what Generate sends.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import { JPEG_BYTES, makePng } from '../fake/png';
import { b64, closeAllEditors, fakeServiceForSuite, removeFolder, sha256, testingApi, unsetSetting, waitFor, workspaceRoot, writeFile } from './helpers';
import { StudioHarness as Harness } from './studioHarness';

const DOG = makePng(40, 30, { seed: 5 });
const GARDEN = JPEG_BYTES;

describe('Image Studio: reference images (host side)', function () {
  const fake = fakeServiceForSuite();
  let api: TestingApi;
  let h: Harness;
  let dog: vscode.Uri;
  let garden: vscode.Uri;
  before(async () => {
    api = await testingApi();
  });
  beforeEach(async () => {
    h = new Harness(api);
    dog = await writeFile('studio-refs/dog.png', DOG);
    garden = await writeFile('studio-refs/garden.jpg', GARDEN);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(h.dump());
    h.dispose();
    await closeAllEditors();
    await removeFolder('studio-refs');
    await vscode.workspace.getConfiguration('flux').update('provider', undefined, vscode.ConfigurationTarget.Global);
  });

  const flux2 = { model: 'flux-2-pro', size: '1x1' };

  it('Choose an image… and a card’s Use as Reference hand out ids; Generate sends those files in order, at the chosen megapixels', async () => {
    h.pickedReferences = [dog, garden];
    await h.send({ type: 'pickReferences' });
    const picked = h.of('reference').map((m) => m.reference);
    assert.deepEqual(picked.map((r) => r.name), ['dog.png', 'garden.jpg']);
    assert.ok(picked.every((r) => /(^|\/)studio-refs\/[a-z]+\.(png|jpg)$/.test(r.path)), 'shown by workspace path');
    // The webview gets a thumbnail URI and an id, never the file's bytes.
    assert.ok(picked.every((r) => r.src.startsWith('https://webview.test/') && !JSON.stringify(r).includes(b64(DOG).slice(0, 40))));

    const [card] = await h.generate({ prompt: 'a cat on a sofa' });
    assert.ok(card);
    await h.send({ type: 'item', action: 'reference', id: card.id });
    const fromCard = h.of('reference').at(-1)?.reference;
    assert.ok(fromCard && fromCard.path === card.path, 'the card’s file is the third reference');
    const cardBytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'assets', card.path.split('/').pop() ?? ''));

    fake().reset();
    const [made] = await h.generate({ ...flux2, prompt: 'the dog from image 1 in the garden of image 2 with the cat of image 3', references: [...picked.map((r) => r.id), fromCard.id], megapixels: 0.25 });
    assert.ok(made, h.dump());
    const body = fake().flux2SubmitRequests[0]?.body as Record<string, unknown>;
    assert.equal(body.input_image, b64(DOG));
    assert.equal(body.input_image_2, b64(GARDEN));
    assert.equal(body.input_image_3, b64(cardBytes));
    assert.equal(body.input_image_4, undefined);
    assert.deepEqual([body.width, body.height], [512, 512], '0.25 MP of 1:1');
    const record = h.history.get(made.id);
    assert.deepEqual(record?.references?.slice(0, 2), [
      { path: 'studio-refs/dog.png', sha256: sha256(DOG) },
      { path: 'studio-refs/garden.jpg', sha256: sha256(GARDEN) },
    ]);
  });

  it('takes every image of an Explorer drop, and refuses what is not an image in the workspace', async () => {
    await h.send({ type: 'dropReferences', uris: [vscode.Uri.joinPath(workspaceRoot(), 'README.md').toString(), garden.toString(), dog.toString()] });
    assert.deepEqual(h.of('reference').map((m) => m.reference.name), ['garden.jpg', 'dog.png']);
    await h.send({ type: 'dropReferences', uris: ['file:///etc/outside/photo.png'] });
    const [outside] = h.of('formError');
    assert.equal(outside?.field, 'references');
    assert.match(outside?.message ?? '', /photo\.png is not in the workspace/);
    const notImage = await writeFile('studio-refs/notes.png', new TextEncoder().encode('not a picture'));
    await h.send({ type: 'dropReferences', uris: [notImage.toString()] });
    assert.equal(h.of('formError')[1]?.field, 'references');
    assert.equal(h.of('reference').length, 2);
  });

  it('refuses, before any request, more references than the model takes, a model that takes none, and a reference gone meanwhile', async () => {
    h.pickedReferences = [dog, garden, dog, garden, dog];
    await h.send({ type: 'pickReferences' });
    const ids = h.of('reference').map((m) => m.reference.id);
    assert.equal(ids.length, 5);
    await h.generate({ model: 'flux-2-klein-4b', size: '1x1', references: ids });
    assert.match(h.of('formError')[0]?.message ?? '', /flux-2-klein-4b .*at most 4 images/);
    await h.generate({ model: 'flux-kontext-pro', size: '1x1', references: ids.slice(0, 1) });
    assert.match(h.of('formError')[1]?.message ?? '', /takes no reference images/);
    await vscode.workspace.fs.delete(garden);
    await h.generate({ ...flux2, references: ids.slice(0, 2) });
    assert.match(h.of('formError')[2]?.message ?? '', /garden\.jpg/);
    await h.generate({ ...flux2, references: ['4e3a9c1d-0000-4000-8000-000000000000'] });
    assert.match(h.of('formError')[3]?.message ?? '', /no longer available/);
    await h.generate({ ...flux2, megapixels: 6 });
    assert.equal(h.of('formError')[4]?.field, 'size');
    assert.deepEqual(h.of('formError').map((m) => m.field), ['references', 'references', 'references', 'references', 'size']);
    assert.equal(h.of('jobsStarted').length, 0);
    assert.equal(fake().flux2SubmitRequests.length + fake().generationRequests.length, 0, 'nothing was sent');
  });

  it('Reproduce and Variations of a FLUX.2 card send the pixels, format and upsampling it recorded, not today’s settings', async () => {
    const config = () => vscode.workspace.getConfiguration('flux');
    await config().update('outputFormat', 'jpeg', vscode.ConfigurationTarget.Global);
    await config().update('promptUpsampling', true, vscode.ConfigurationTarget.Global);
    let card: Awaited<ReturnType<Harness['generate']>>[number] | undefined;
    try {
      [card] = await h.generate({ ...flux2, prompt: 'a harbour at dawn', size: '3x2', seed: 7, megapixels: 0.25 });
      const first = fake().flux2SubmitRequests[0]?.body as Record<string, unknown>;
      assert.deepEqual([first.width, first.height, first.output_format, first.prompt_upsampling], [624, 416, 'jpeg', true], '0.25 MP of 3:2, as set');
    } finally {
      await unsetSetting('flux', 'outputFormat', vscode.ConfigurationTarget.Global);
      await unsetSetting('flux', 'promptUpsampling', vscode.ConfigurationTarget.Global);
    }
    assert.ok(card, h.dump());
    fake().reset();
    // Today: flux.megapixels 1, PNG, no upsampling. The card's 0.25 MP, JPEG and upsampling must win.
    await h.send({ type: 'item', action: 'reproduce', id: card.id });
    await h.send({ type: 'item', action: 'variations', id: card.id, count: 1 });
    const again = fake().flux2SubmitRequests.map((r) => r.body as Record<string, unknown>);
    assert.equal(again.length, 2, h.dump());
    assert.deepEqual(again.map((b) => [b.width, b.height, b.output_format, b.prompt_upsampling]), [[624, 416, 'jpeg', true], [624, 416, 'jpeg', true]]);
    assert.equal(again[0]?.seed, 7, 'the same seed');

    // A Reproduce that fails (out of credit), then its card's Try Again, as the webview sends it:
    // the form's fields and the job's id. What the card recorded is sent again, not today's settings.
    fake().reset();
    fake().enqueueBfl({ kind: 'submitError', status: 402, detail: 'Insufficient credits' });
    await h.send({ type: 'item', action: 'reproduce', id: card.id });
    const failed = h.of('jobFailed').at(-1);
    const job = h.of('jobsStarted').at(-1)?.jobs[0];
    assert.ok(failed && job && failed.jobId === job.jobId, h.dump());
    await h.send({ type: 'generate', prompt: job.prompt, model: job.model, size: job.size, seed: job.seed, count: 1, retryOf: job.jobId });
    await waitFor('the retry to finish', () => h.of('jobDone').length === 4 || h.of('jobFailed').length > 1);
    const retried = fake().flux2SubmitRequests.map((r) => r.body as Record<string, unknown>);
    assert.equal(retried.length, 2, h.dump());
    assert.deepEqual([retried[1]?.width, retried[1]?.height, retried[1]?.output_format, retried[1]?.prompt_upsampling, retried[1]?.seed], [624, 416, 'jpeg', true, 7]);
  });

  it('tells the webview the provider, so the row counts against the right limit', async () => {
    await vscode.workspace.getConfiguration('flux').update('provider', 'bfl', vscode.ConfigurationTarget.Global);
    await h.send({ type: 'ready' });
    assert.equal(h.of('costs').at(-1)?.costs.provider, 'bfl');
  });
});
