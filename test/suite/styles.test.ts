// House styles in the real extension host, against the fake service: each caller sends the
// style's template, references, model and size while the alt text and the recipe's prompt stay
// the writer's words; a document switching style; the file edited while a job waits in the
// queue; bad input said before anything is sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DocumentStyles, generateBatch, scanDocument } from '../../src/services/missingImages';
import { makePng } from '../fake/png';
import { ImageTool } from '../../src/chat/imageTool';
import { costItem } from '../../src/core/prices';
import { missingImagesEstimate } from '../../src/ui/missingImages';
import { closeAllEditors, fakeServiceForSuite, openMarkdown, removeFolder, selectLine, testingApi, waitFor, workspaceRoot } from './helpers';

const INK = makePng(24, 16, { seed: 7 });
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const STYLES = {
  styles: {
    ink: { description: 'Ink sketches', prompt: '{prompt}. Loose ink sketch, cream paper', references: ['style-refs/ink-1.png'], model: 'flux-2-pro', size: '3x2', megapixels: 0.25 },
    flat: { prompt: 'flat colours, no outlines', model: 'flux-2-pro' },
  },
};

async function writeText(relative: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), relative), new TextEncoder().encode(text));
}

async function writeStyles(value: unknown): Promise<void> {
  await writeText('.vscode/flux-styles.json', JSON.stringify(value, null, 2));
}

function submits(fake: ReturnType<ReturnType<typeof fakeServiceForSuite>>): Record<string, unknown>[] {
  return fake.flux2SubmitRequests.map((r) => r.body as Record<string, unknown>);
}

describe('House styles', function () {
  const fake = fakeServiceForSuite();
  beforeEach(async () => {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'style-refs/ink-1.png'), INK);
    await writeStyles(STYLES);
  });
  afterEach(async () => {
    await closeAllEditors();
    await removeFolder('style-refs');
    await removeFolder('styled');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), '.vscode/flux-styles.json')).then(undefined, () => undefined);
    await vscode.workspace.getConfiguration('flux').update('maxParallelRequests', undefined, vscode.ConfigurationTarget.Global);
  });

  it('from a selection: the style’s template, reference, model and size are sent; the alt text and the recipe keep the words', async () => {
    const editor = await openMarkdown('styled/chapter.md', '---\nflux-style: ink\n---\n\nA fox in fresh snow\n');
    selectLine(editor, 4);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'an image was made');
    const [body] = submits(fake());
    assert.equal(fake().flux2SubmitRequests[0]?.path, '/flux/v1/flux-2-pro');
    assert.equal(body?.prompt, 'A fox in fresh snow. Loose ink sketch, cream paper');
    assert.equal(body?.input_image, b64(INK));
    // 3x2 at 0.25 MP.
    assert.equal((body?.width as number) / (body?.height as number) > 1.4, true);
    assert.ok((body?.width as number) * (body?.height as number) <= 0.3 * 1024 * 1024);
    assert.match(editor.document.getText(), /A fox in fresh snow\n\n!\[A fox in fresh snow\]\(/);
    const record = (await testingApi()).services.history.list()[0];
    assert.equal(record?.prompt, 'A fox in fresh snow');
    assert.equal(record?.sentPrompt, 'A fox in fresh snow. Loose ink sketch, cream paper');
    assert.deepEqual(record?.style, { name: 'ink', prompt: '{prompt}. Loose ink sketch, cream paper' });
    assert.equal(record?.references?.[0]?.path, 'style-refs/ink-1.png');
  });

  it('text that lands above the selection while the style is read moves the link with it', async () => {
    const editor = await openMarkdown('styled/moving.md', '---\nflux-style: ink\n---\n\nA fox in fresh snow\n\nThe end.\n');
    selectLine(editor, 4);
    const { services } = await testingApi();
    const resolve = services.styles.resolve.bind(services.styles);
    // Reading the file and its reference images takes a moment; another link lands above meanwhile.
    services.styles.resolve = async (...args: Parameters<typeof resolve>) => {
      await editor.edit((e) => e.insert(new vscode.Position(4, 0), 'An earlier paragraph.\n\n'));
      return resolve(...args);
    };
    try {
      assert.ok(await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection'), 'an image was made');
    } finally {
      services.styles.resolve = resolve;
    }
    assert.match(editor.document.getText(), /An earlier paragraph\.\n\nA fox in fresh snow\n\n!\[A fox in fresh snow\]\([^)]*\)\n\nThe end\.\n$/);
  });

  it('a document switching style between two generations; none and a null argument switch it off', async () => {
    const editor = await openMarkdown('styled/switch.md', '---\nflux-style: ink\n---\n\nA lighthouse\n');
    assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'A lighthouse' }));
    await editor.edit((e) => e.replace(new vscode.Range(1, 0, 1, 'flux-style: ink'.length), 'flux-style: flat'));
    assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'A lighthouse' }));
    assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'A lighthouse', model: 'flux-2-pro', style: null }));
    const prompts = submits(fake()).map((b) => [b.prompt, b.input_image !== undefined]);
    assert.deepEqual(prompts, [
      ['A lighthouse. Loose ink sketch, cream paper', true],
      ['A lighthouse, flat colours, no outlines', false],
      ['A lighthouse', false],
    ]);
  });

  it('the file edited while a job waits in the queue: the job uses the style as it was when started', async () => {
    await vscode.workspace.getConfiguration('flux').update('maxParallelRequests', 1, vscode.ConfigurationTarget.Global);
    await openMarkdown('styled/queue.md', '---\nflux-style: ink\n---\n\nA harbour\n');
    fake().hold();
    const first = vscode.commands.executeCommand('flux.generateImage', { prompt: 'held first', model: 'flux-2-pro', style: null });
    await fake().waitForHeld(1);
    const second = vscode.commands.executeCommand('flux.generateImage', { prompt: 'A harbour' });
    await new Promise((r) => setTimeout(r, 400));
    await writeStyles({ styles: { ink: { prompt: '{prompt}, changed while waiting', model: 'flux-2-pro' } } });
    fake().release();
    assert.ok(await first);
    assert.ok(await second);
    const last = submits(fake()).find((b) => String(b.prompt).startsWith('A harbour'));
    assert.equal(last?.prompt, 'A harbour. Loose ink sketch, cream paper');
    assert.equal(last?.input_image, b64(INK));
    // The next one takes the file as it is now.
    assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'A harbour' }));
    assert.equal(submits(fake()).at(-1)?.prompt, 'A harbour, changed while waiting');
  });

  it('Missing Images: each document its own style', async () => {
    const inked = await openMarkdown('styled/inked.md', '---\nflux-style: ink\n---\n\n![A red kite](img/kite.png)\n');
    const plain = await openMarkdown('styled/plain.md', '---\nflux-style: flat\n---\n\n![A green boat](img/boat.png)\n');
    const api = await testingApi();
    const images = [...(await scanDocument(inked.document, 'markdown', api.services.places)).missing, ...(await scanDocument(plain.document, 'markdown', api.services.places)).missing];
    assert.equal(images.length, 2);
    const outcome = await generateBatch(api.services.generation, api.services.log, images, new AbortController().signal, () => undefined, new DocumentStyles(api.services.styles));
    assert.equal(outcome.failed.length, 0, String(outcome.failed[0]?.error));
    const prompts = submits(fake()).map((b) => [b.prompt, b.input_image !== undefined]).sort();
    assert.deepEqual(prompts, [
      ['A green boat, flat colours, no outlines', false],
      ['A red kite. Loose ink sketch, cream paper', true],
    ]);
  });

  it('the chat tool: the active document’s style, or its style input; the answer’s link keeps the words', async () => {
    await openMarkdown('styled/chat.md', '---\nflux-style: ink\n---\n\nText\n');
    const run = async (input: object) => {
      const result = await vscode.lm.invokeTool('flux_generate_image', { input, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token);
      return result.content.map((p) => (p as { value?: unknown }).value).join('\n');
    };
    const answer = await run({ prompt: 'A heron' });
    assert.match(answer, /!\[A heron\]\(/);
    assert.match(answer, /Model: flux-2-pro/);
    await run({ prompt: 'A heron', style: 'flat' });
    await run({ prompt: 'A heron', style: 'none', model: 'flux-2-pro' });
    assert.deepEqual(
      submits(fake()).map((b) => b.prompt),
      ['A heron. Loose ink sketch, cream paper', 'A heron, flat colours, no outlines', 'A heron'],
    );
    assert.equal(submits(fake())[0]?.input_image, b64(INK));
  });

  it('estimates what will be sent: the style’s model, size, megapixels and references, in the chat tool’s confirmation and the Missing Images pick', async () => {
    const api = await testingApi();
    // What the ink style sends: flux-2-pro, 3x2 at 0.25 MP, with one reference image.
    const styled = api.services.costs.estimate([costItem({ model: 'flux-2-pro', size: '3x2', references: [INK] }, 1, 0.25)]).text;
    const settings = api.services.costs.estimate([costItem({ model: 'flux-kontext-pro', size: '1x1' }, 1, 1)]).text;
    assert.notEqual(styled, settings, 'the test tells the two apart');
    await openMarkdown('styled/estimate.md', '---\nflux-style: ink\n---\n\n![A red kite](img/kite.png)\n');
    const prepared = await new ImageTool(api.services).prepareInvocation({ input: { prompt: 'A heron' } });
    // As the confirmation shows it: the text's Markdown escapes taken off.
    const asShown = (p: vscode.PreparedToolInvocation) => (p.confirmationMessages!.message as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    const shown = asShown(prepared);
    assert.ok(shown.includes('(flux-2-pro)'), shown);
    assert.ok(shown.includes(`Cost:** ${styled}`), shown);
    const none = await new ImageTool(api.services).prepareInvocation({ input: { prompt: 'A heron', style: 'none' } });
    assert.ok(asShown(none).includes(`(flux-kontext-pro)`) && asShown(none).includes(`Cost:** ${settings}`), asShown(none));
    const document = vscode.window.activeTextEditor!.document;
    const images = (await scanDocument(document, 'markdown', api.services.places)).missing;
    assert.equal(images.length, 1);
    const styles = new DocumentStyles(api.services.styles);
    await styles.load(images);
    assert.equal(missingImagesEstimate(api.services, images, styles).text, styled);
    assert.equal(fake().requests.filter((r) => r.method === 'POST').length, 0, 'nothing sent');
  });

  it('bad input names the file and the style, and sends nothing', async () => {
    const api = await testingApi();
    const doc = (await openMarkdown('styled/bad.md', '---\nflux-style: watercolour\n---\n\nx\n')).document;
    await assert.rejects(api.services.styles.resolve(doc), /The style “watercolour” is not in \S*\.vscode\/flux-styles\.json \(it has ink, flat\)/);
    await writeStyles({ styles: { ink: { prompt: 'x', references: ['style-refs/gone.png'] } } });
    await assert.rejects(api.services.styles.resolve(doc, 'ink'), /The style “ink” in \S*\.vscode\/flux-styles\.json names the reference image “style-refs\/gone\.png”, which is not there/);
    await writeStyles({ styles: { ink: { prompt: 'x', references: ['../outside.png'] } } });
    await assert.rejects(api.services.styles.resolve(doc, 'ink'), /outside the workspace/);
    await writeText('style-refs/notes.png', 'not an image');
    await writeStyles({ styles: { ink: { prompt: 'x', references: ['style-refs/notes.png'] } } });
    await assert.rejects(api.services.styles.resolve(doc, 'ink'), /The style “ink” in \S*\.vscode\/flux-styles\.json: style-refs\/notes\.png is not a PNG, JPEG or WebP/);
    await writeStyles({ styles: { ink: { prompt: 'x', model: 'flux-2-klein-4b', references: Array(5).fill('style-refs/ink-1.png') } } });
    await assert.rejects(api.services.styles.resolve(doc, 'ink'), /The style “ink” in \S*\.vscode\/flux-styles\.json: flux-2-klein-4b through dmxapi takes at most 4 images/);
    await writeText('.vscode/flux-styles.json', '{ "styles": { "ink": ');
    await assert.rejects(api.services.styles.resolve(doc, 'ink'), /flux-styles\.json is not valid JSON/);
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p' }), undefined);
    await waitFor('the message', () => api.messages.shown.some((m) => /not valid JSON/.test(m.text)));
    // A document that declares nothing: the broken file's default is unknown, so nothing is made
    // without the house style; one that says none is made.
    const plain = (await openMarkdown('styled/plain.md', 'x\n')).document;
    await assert.rejects(api.services.styles.resolve(plain), /flux-styles\.json is not valid JSON/);
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'p' }), undefined);
    assert.equal(fake().requests.filter((r) => r.method === 'POST').length, 0);
    const none = (await openMarkdown('styled/none.md', '---\nflux-style: none\n---\n\nx\n')).document;
    assert.equal(await api.services.styles.resolve(none), undefined);
    // A reference that is a symbolic link (here to a file outside the workspace) is not sent.
    const outside = path.join(os.tmpdir(), `flux-style-outside-${process.pid}.png`);
    fs.writeFileSync(outside, INK);
    fs.symlinkSync(outside, path.join(workspaceRoot().fsPath, 'style-refs', 'link.png'));
    await writeStyles({ styles: { ink: { prompt: 'x', references: ['style-refs/link.png'] } } });
    try {
      await assert.rejects(api.services.styles.resolve(doc, 'ink'), /“style-refs\/link\.png”, which is or lies behind a symbolic link/);
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });

  it('tells of a change of the file at once', async () => {
    const api = await testingApi();
    let heard = 0;
    const sub = api.services.styles.onDidChange(() => heard++);
    try {
      await writeStyles({ styles: { only: { prompt: '{prompt}' } } });
      await waitFor('the change event', () => heard > 0);
      assert.deepEqual((await api.services.styles.list(vscode.workspace.workspaceFolders![0]!)).map((s) => s.name), ['only']);
    } finally {
      sub.dispose();
    }
  });
});

describe('House styles in a workspace that is not trusted @untrusted', function () {
  afterEach(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), '.vscode/flux-styles.json')).then(undefined, () => undefined);
  });

  it('applies no style, and says why @untrusted', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await writeStyles({ default: 'flat', styles: STYLES.styles });
    const api = await testingApi();
    const doc = (await openMarkdown('notes/untrusted-style.md', '---\nflux-style: ink\n---\n\nx\n')).document;
    assert.equal(api.services.styles.applies, false);
    assert.equal(await api.services.styles.resolve(doc), undefined);
    assert.equal(await api.services.styles.resolve(doc, 'flat'), undefined);
    assert.match(api.services.styles.untrustedReason() ?? '', /not applied in an untrusted workspace/);
    // Which style the document names is still known (for the status bar).
    assert.deepEqual(await api.services.styles.choose(doc), { name: 'ink', source: 'declaration' });
  });
});
