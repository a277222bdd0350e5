// The Studio's Style picker, host side, in the real extension host against the fake: the styles it
// offers follow the target document and the styles file; Generate sends the chosen style's filled
// template, references, model and size while the record keeps the writer's words; a bad style
// sends nothing; Reproduce uses the style as recorded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import { makePng } from '../fake/png';
import { closeAllEditors, fakeServiceForSuite, openMarkdown, removeFolder, testingApi, waitFor, workspaceRoot } from './helpers';
import { StudioHarness as Harness } from './studioHarness';

const INK = makePng(24, 16, { seed: 11 });
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const STYLES = {
  styles: {
    ink: { description: 'Ink sketches', prompt: '{prompt}. Loose ink sketch, cream paper', references: ['studio-style/ink-1.png'], model: 'flux-2-pro', size: '3x2', megapixels: 0.25 },
    flat: { prompt: 'flat colours, no outlines', model: 'flux-2-pro' },
  },
};

async function writeStyles(value: unknown): Promise<void> {
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), '.vscode/flux-styles.json'), new TextEncoder().encode(JSON.stringify(value, null, 2)));
}

describe('Image Studio: the Style picker (host side)', function () {
  const fake = fakeServiceForSuite();
  let api: TestingApi;
  let h: Harness;
  before(async () => {
    api = await testingApi();
  });
  beforeEach(async () => {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'studio-style/ink-1.png'), INK);
    await writeStyles(STYLES);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(h.dump());
    h.dispose();
    await closeAllEditors();
    await removeFolder('studio-style');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), '.vscode/flux-styles.json')).then(undefined, () => undefined);
  });

  const submits = (): Record<string, unknown>[] => fake().flux2SubmitRequests.map((r) => ({ path: r.path, ...(r.body as Record<string, unknown>) }));
  const lastStyles = () => h.of('styles').at(-1)?.styles;

  it('offers the folder’s styles starting at the document’s; Generate sends the chosen style’s template and references, the record keeps the words', async () => {
    await openMarkdown('studio-style/chapter.md', '---\nflux-style: ink\n---\n\nA fox in fresh snow\n');
    h = new Harness(api);
    await h.send({ type: 'ready' });
    await waitFor('the styles', () => lastStyles() !== undefined);
    assert.deepEqual(lastStyles(), {
      styles: [
        { name: 'ink', description: 'Ink sketches', model: 'flux-2-pro', size: '3x2', megapixels: 0.25, references: 1 },
        { name: 'flat', model: 'flux-2-pro', references: 0 },
      ],
      current: 'ink',
    });

    fake().reset();
    const [card] = await h.generate({ prompt: 'A fox in fresh snow', style: 'ink' });
    assert.ok(card, h.dump());
    const [body] = submits();
    assert.equal(body?.path, '/flux/v1/flux-2-pro', 'the style’s model');
    assert.equal(body?.prompt, 'A fox in fresh snow. Loose ink sketch, cream paper');
    assert.equal(body?.input_image, b64(INK), 'the style’s reference');
    assert.ok((body?.width as number) > (body?.height as number), 'the style’s 3x2');
    assert.deepEqual(card.style, { name: 'ink', prompt: '{prompt}. Loose ink sketch, cream paper' }, 'the card shows the style');
    const record = h.history.get(card.id);
    assert.equal(record?.prompt, 'A fox in fresh snow', 'the writer’s words');
    assert.equal(record?.sentPrompt, 'A fox in fresh snow. Loose ink sketch, cream paper');
    assert.equal(record?.references?.[0]?.path, 'studio-style/ink-1.png');

    // Another style than the document’s, and No style.
    fake().reset();
    assert.ok((await h.generate({ prompt: 'A fox', model: 'flux-2-pro', style: 'flat' }))[0]);
    const [plain] = await h.generate({ prompt: 'A fox', model: 'flux-2-pro', style: null });
    assert.ok(plain);
    assert.deepEqual(
      submits().map((b) => [b.prompt, b.input_image !== undefined]),
      [
        ['A fox, flat colours, no outlines', false],
        ['A fox', false],
      ],
    );
    assert.equal(h.history.get(plain.id)?.style, undefined);

    // Reproduce after the style changed: the style as recorded, never today's.
    await writeStyles({ styles: { ink: { prompt: '{prompt}, changed since', model: 'flux-2-pro' } } });
    fake().reset();
    await h.send({ type: 'item', action: 'reproduce', id: card.id });
    const [again] = submits();
    assert.equal(again?.prompt, 'A fox in fresh snow. Loose ink sketch, cream paper');
    assert.equal(again?.input_image, b64(INK), 'the recorded references');
    assert.equal(h.of('jobDone').at(-1)?.item.style?.name, 'ink');
  });

  it('a style the file does not have is said next to the picker and nothing is sent', async () => {
    await openMarkdown('studio-style/bad.md', 'A heron\n');
    h = new Harness(api);
    fake().reset();
    const made = await h.generate({ prompt: 'A heron', style: 'watercolour' });
    assert.deepEqual(made, []);
    const error = h.of('formError').at(-1);
    assert.equal(error?.field, 'style');
    assert.match(error?.message ?? '', /watercolour.*flux-styles\.json/);
    assert.equal(fake().requests.length, 0, 'nothing sent');
  });

  it('follows the target document and the styles file', async () => {
    await openMarkdown('studio-style/one.md', '---\nflux-style: flat\n---\n\nOne\n');
    h = new Harness(api);
    await h.send({ type: 'ready' });
    await waitFor('flat', () => lastStyles()?.current === 'flat');
    await openMarkdown('studio-style/two.md', 'Two, no declaration\n');
    await waitFor('no style for the second document', () => lastStyles() !== undefined && lastStyles()?.current === undefined);
    await writeStyles({ default: 'ink', styles: STYLES.styles });
    await waitFor('the file’s default', () => lastStyles()?.current === 'ink');
    await writeStyles({ styles: { only: { prompt: '{prompt}' } } });
    await waitFor('the changed file', () => lastStyles()?.styles.map((s) => s.name).join() === 'only');
  });
});
