// FLUX.2 and reference images in the real extension host, against the fake: each entry point
// with references, what is sent (the native JSON on DMXAPI's /flux/v1 and BFL's /v1), the
// limits refused before any request, a reference deleted while the request waits, one key per provider.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProviderId } from '../../src/core/providers/types';
import { JPEG_BYTES, makePng } from '../fake/png';
import { b64, closeAllEditors, expectMessage, fakeServiceForSuite, listFolder, openMarkdown, PNG_SIGNATURE, removeFolder, selectLine, sha256, TEST_KEY, testingApi, unsetSetting, waitFor, workspaceRoot, writeFile } from './helpers';

const DOG = makePng(40, 30, { seed: 3 });
const GARDEN = JPEG_BYTES;
const BFL_KEY = 'sk-bfl-flux2-9876543210zyxwvuts';

async function setFlux(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('flux').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('FLUX.2 and reference images', function () {
  const fake = fakeServiceForSuite();
  beforeEach(async () => {
    await setFlux('model', 'flux-2-pro');
    await writeFile('refs/dog.png', DOG);
    await writeFile('refs/garden.jpg', GARDEN);
  });
  afterEach(async () => {
    await closeAllEditors();
    await removeFolder('refs');
    for (const key of ['model', 'megapixels', 'outputFormat', 'provider', 'bflBaseUrl', 'maxParallelRequests']) await unsetSetting('flux', key, vscode.ConfigurationTarget.Global);
  });

  it('Generate from Selection with flux-2-pro through dmxapi: the native route, width and height, the link after the paragraph', async () => {
    await setFlux('megapixels', 0.25);
    const editor = await openMarkdown('notes/flux2-selection.md', '# Garden\n\nA quiet garden at dusk\n');
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection', { size: '16x9' });
    assert.ok(uri, 'an image was made');
    const [submit] = fake().flux2SubmitRequests;
    assert.equal(submit?.path, '/flux/v1/flux-2-pro');
    assert.equal(submit.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.deepEqual(submit.body, { prompt: 'A quiet garden at dusk', width: 688, height: 384, output_format: 'png', prompt_upsampling: false });
    assert.ok(fake().flux2PollRequests.length > 0);
    assert.equal(fake().generationRequests.length, 0);
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
    assert.match(editor.document.getText(), /A quiet garden at dusk\n\n!\[A quiet garden at dusk\]\(\.\.\/assets\/[^)]+\.png\)/);
    const record = (await testingApi()).services.history.list()[0];
    assert.equal(record?.width, 688);
  });

  it('Generate Image with a references argument sends them in order and records their paths and hashes', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', {
      prompt: 'the dog from image 1 asleep in the garden of image 2',
      references: ['refs/dog.png', vscode.Uri.joinPath(workspaceRoot(), 'refs/garden.jpg')],
    });
    assert.ok(uri);
    const body = fake().flux2SubmitRequests[0]?.body as Record<string, unknown>;
    assert.equal(body.input_image, b64(DOG));
    assert.equal(body.input_image_2, b64(GARDEN));
    assert.equal(body.input_image_3, undefined);
    const record = (await testingApi()).services.history.list()[0];
    assert.deepEqual(record?.references, [
      { path: 'refs/dog.png', sha256: sha256(DOG) },
      { path: 'refs/garden.jpg', sha256: sha256(GARDEN) },
    ]);
  });

  it('refuses nine references, one outside the workspace, one that is no image, and Kontext references through dmxapi, before any request', async () => {
    const nine = Array.from({ length: 9 }, () => 'refs/dog.png');
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p', references: nine }), undefined);
    await expectMessage('warning', /flux-2-pro through dmxapi takes at most 8 images .*9 were given/);
    (await testingApi()).messages.clear();
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p', references: ['../outside.png'] }), undefined);
    await expectMessage('warning', /outside the workspace/);
    (await testingApi()).messages.clear();
    await writeFile('refs/notes.png', Buffer.from('not an image'));
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p', references: ['refs/notes.png'] }), undefined);
    await expectMessage('warning', /refs\/notes\.png is not a PNG, JPEG or WebP image/);
    (await testingApi()).messages.clear();
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p', size: '4096x4096' }), undefined);
    await expectMessage('warning', /4096x4096 is too large for FLUX\.2/);
    (await testingApi()).messages.clear();
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p', model: 'flux-kontext-pro', references: ['refs/dog.png'] }), undefined);
    await expectMessage('warning', /flux-kontext-pro through dmxapi takes no reference images/);
    assert.equal(fake().requests.length, 0);
    assert.deepEqual(await listFolder('assets'), []);
  });

  it('Edit Image with a FLUX.2 model sends the input as input_image in the JSON, then the references', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.editImage', { image: 'refs/dog.png', prompt: 'put the dog in the garden of image 2', model: 'flux-2-klein-4b', references: ['refs/garden.jpg'] });
    assert.ok(uri);
    assert.equal(fake().editRequests.length, 0, 'no multipart');
    const [submit] = fake().flux2SubmitRequests;
    assert.equal(submit?.path, '/flux/v1/flux-2-klein-4b');
    const body = submit.body as Record<string, unknown>;
    assert.equal(body.input_image, b64(DOG));
    assert.equal(body.input_image_2, b64(GARDEN));
    assert.equal(body.width, undefined, 'the edit keeps the input size');
  });

  it('the chat tool takes references', async () => {
    const result = await vscode.lm.invokeTool('flux_generate_image', { input: { prompt: 'the dog in the garden', references: ['refs/garden.jpg', 'refs/dog.png'] }, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
    const text = result.content.map((p) => (p as { value?: unknown }).value).join('\n');
    assert.match(text, /Generated the image/);
    const body = fake().flux2SubmitRequests[0]?.body as Record<string, unknown>;
    assert.equal(body.input_image, b64(GARDEN));
    assert.equal(body.input_image_2, b64(DOG));
  });

  it('a JPEG answer (flux.outputFormat jpeg) is asked for and written as the service sent it', async () => {
    await setFlux('outputFormat', 'jpeg');
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'a jpeg garden' });
    assert.ok(uri);
    assert.equal((fake().flux2SubmitRequests[0]?.body as { output_format?: string }).output_format, 'jpeg');
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 3)], [0xff, 0xd8, 0xff]);
  });

  it('a reference deleted while the request waits in the queue: said so, nothing sent', async () => {
    await setFlux('maxParallelRequests', 1);
    fake().hold();
    const first = vscode.commands.executeCommand('flux.generateImage', { prompt: 'the first, held', model: 'flux-kontext-pro' });
    await fake().waitForHeld(1);
    const second = vscode.commands.executeCommand('flux.generateImage', { prompt: 'the dog again', references: ['refs/dog.png'] });
    // The second waits in the queue behind the held first one.
    await new Promise((r) => setTimeout(r, 300));
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'refs/dog.png'));
    fake().release();
    assert.ok(await first);
    assert.equal(await second, undefined);
    await waitFor('the message', async () => (await testingApi()).messages.shown.some((m) => /refs\/dog\.png is not there any more/.test(m.text)));
    assert.equal(fake().flux2SubmitRequests.length, 0);
  });

  it('Reproduce sends the same references and pixels again; a reference gone is said so and nothing is sent', async () => {
    await setFlux('megapixels', 2);
    const first = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'the dog twice', size: '3x2', references: ['refs/dog.png', 'refs/garden.jpg'] });
    assert.ok(first);
    await setFlux('megapixels', undefined);
    const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage', { image: first, sameSeed: true });
    assert.ok(again, 'made again');
    const [one, two] = fake().flux2SubmitRequests.map((r) => r.body as Record<string, unknown>);
    for (const field of ['prompt', 'width', 'height', 'input_image', 'input_image_2', 'output_format', 'prompt_upsampling']) assert.deepEqual(two?.[field], one?.[field], field);
    assert.equal(one?.seed, undefined, 'the first was random');
    assert.ok(Number.isInteger(two?.seed), 'Reproduce sends the seed the service reported');
    assert.equal(one?.width, 1776);
    (await testingApi()).messages.clear();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'refs/garden.jpg'));
    assert.equal(await vscode.commands.executeCommand('flux.regenerateImage', { image: first, sameSeed: true }), undefined);
    await expectMessage('warning', /reference image refs\/garden\.jpg, which is no longer there/);
    assert.equal(fake().flux2SubmitRequests.length, 2);
  });

  describe('one key per provider', () => {
    after(async () => {
      const { services } = await testingApi();
      await services.keys.clear('bfl');
    });
    it('FLUX.2 through bfl: x-key to /v1/<model> and its polls only; through dmxapi: Bearer to /flux/v1 only; no key to the image host', async () => {
      const { services } = await testingApi();
      await services.keys.store(BFL_KEY, 'bfl' as ProviderId);
      await setFlux('bflBaseUrl', fake().baseUrl);
      await setFlux('provider', 'bfl');
      assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'through bfl', references: ['refs/dog.png'] }));
      await setFlux('provider', 'dmxapi');
      assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'through dmxapi', references: ['refs/dog.png'] }));
      const submits = fake().flux2SubmitRequests;
      assert.deepEqual(submits.map((r) => r.path), ['/v1/flux-2-pro', '/flux/v1/flux-2-pro']);
      for (const r of fake().requests) {
        const headers = JSON.stringify(r.headers);
        if (r.host === 'other') {
          assert.ok(!headers.includes(TEST_KEY) && !headers.includes(BFL_KEY), `no key to the image host (${r.path})`);
        } else if (r.path === '/v1/flux-2-pro' || r.path.startsWith('/v1/get_result')) {
          assert.equal(r.headers['x-key'], BFL_KEY, r.path);
          assert.ok(!headers.includes(TEST_KEY), r.path);
        } else {
          assert.equal(r.headers.authorization, `Bearer ${TEST_KEY}`, r.path);
          assert.ok(!headers.includes(BFL_KEY), r.path);
        }
      }
    });
  });
});
