// The language model tool `flux_generate_image`, run the way a chat client runs it
// (`vscode.lm.invokeTool`), in the real extension host: files, recipes, answers, refusals.
// Without a chat session VS Code confirms a tool with a modal dialog, which the test harness
// answers "yes" by itself (dialogs are skipped when extension tests run).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ImageTool } from '../../src/chat/imageTool';
import { readRecipe } from '../../src/core/recipe';
import { makePng } from '../fake/png';
import { closeAllEditors, fakeServiceForSuite, openMarkdown, removeFolder, TEST_KEY, testingApi, waitFor, workspaceRoot } from './helpers';

const TOOL = 'flux_generate_image';

async function invoke(input: object, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(TOOL, { input, toolInvocationToken: undefined }, token ?? new vscode.CancellationTokenSource().token);
  return result.content.map((part) => (part as { value?: unknown }).value).filter((v): v is string => typeof v === 'string').join('\n');
}

/** Every file of the workspace with its size, to prove a refusal wrote nothing anywhere. */
function snapshot(): string[] {
  const root = workspaceRoot().fsPath;
  return fs
    .readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !path.relative(root, f).startsWith('.vscode'))
    .map((f) => `${path.relative(root, f)} ${fs.statSync(f).size}`)
    .sort();
}

/** Markdown read back as the text it shows: escapes and non-breaking spaces undone. */
function asShown(markdown: vscode.MarkdownString): string {
  return markdown.value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

function fileAt(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), relative);
}

describe('Chat tool flux_generate_image', function () {
  const fake = fakeServiceForSuite();
  afterEach(async () => {
    await closeAllEditors();
    await removeFolder('pictures');
    await removeFolder('chat');
  });

  it('is contributed with its reference name, tags and input schema', () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `${TOOL} is among vscode.lm.tools`);
    assert.ok(tool.tags.includes('image'));
    const schema = tool.inputSchema as { required?: string[]; properties?: Record<string, unknown> };
    assert.deepEqual(schema.required, ['prompt']);
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), ['image', 'model', 'path', 'prompt', 'references', 'seed', 'size', 'style']);
  });

  it('asks to confirm with the prompt (as text), the provider and the destination', async () => {
    const tool = new ImageTool((await testingApi()).services);
    const prepared = await tool.prepareInvocation({ input: { prompt: 'a fox [click](command:flux.clearApiKey) **bold**', path: 'pictures/fox.png' } });
    const message = prepared.confirmationMessages?.message;
    assert.ok(message instanceof vscode.MarkdownString);
    assert.match(prepared.confirmationMessages!.title, /Generate an image with Flux/);
    const shown = asShown(message);
    assert.match(shown, /Prompt:\*\* a fox \[click\]\(command:flux\.clearApiKey\) \*\*bold\*\*/);
    assert.match(shown, /DMXAPI \(flux-kontext-pro\)/);
    assert.match(shown, /pictures\/fox\.png/);
    // What it costs, before anything is spent (flux-kontext-pro: $0.04 an image).
    assert.match(shown, /Cost:\*\* ≈ \$0\.04/);
    // The prompt is escaped text: it can form no link, command or emphasis.
    assert.ok(!message.value.includes('[click](command:'), message.value);
    assert.ok(!message.value.includes('**bold**'), message.value);
    const toOutput = await tool.prepareInvocation({ input: { prompt: 'a fox' } });
    assert.match(asShown(toOutput.confirmationMessages!.message as vscode.MarkdownString), /output folder \(assets\)/);
  });

  it('writes the image at the given path with its recipe and answers the path, the link and the seed', async () => {
    const editor = await openMarkdown('chat/notes.md', '# Notes\n\nSome text.\n');
    const before = editor.document.getText();
    fake().enqueue({ kind: 'b64', seed: 4242 });
    const answer = await invoke({ prompt: 'a lighthouse at dusk', path: 'pictures/lighthouse.png', size: '16x9' });
    const bytes = await vscode.workspace.fs.readFile(fileAt('pictures/lighthouse.png'));
    const { recipe } = readRecipe(bytes);
    assert.ok(recipe, 'the PNG carries its recipe');
    assert.equal(recipe.prompt, 'a lighthouse at dusk');
    assert.equal(recipe.seed, 4242);
    assert.equal(recipe.size, '16x9');
    assert.equal(recipe.provider, 'dmxapi');
    assert.match(answer, /pictures\/lighthouse\.png/);
    assert.ok(answer.includes('![a lighthouse at dusk](../pictures/lighthouse.png)'), answer);
    assert.match(answer, /4242/);
    assert.equal(fake().generationRequests.length, 1);
    assert.equal((fake().generationRequests[0]!.body as { size?: string }).size, '16x9');
    // The tool answers with the link; it does not edit the document itself.
    assert.equal(editor.document.getText(), before);
  });

  it('writes into the output folder without a path, and answers a Markdown link when no document is active', async () => {
    await closeAllEditors();
    fake().enqueue({ kind: 'b64', seed: 7 });
    const answer = await invoke({ prompt: 'a red kite over the dunes' });
    const files = (await vscode.workspace.fs.readDirectory(fileAt('assets'))).map(([n]) => n);
    assert.equal(files.length, 1);
    const name = files[0]!;
    assert.match(name, /^a-red-kite-over-the-dunes-.*\.png$/);
    assert.ok(answer.includes(`assets/${name}`), answer);
    assert.ok(answer.includes(`![a red kite over the dunes](assets/${name})`), answer);
  });

  it('answers in the active document\'s own syntax (HTML)', async () => {
    const uri = fileAt('chat/page.html');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('<p>hello</p>\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const answer = await invoke({ prompt: 'a paper boat', path: 'pictures/boat.png' });
    assert.ok(answer.includes('<img src="../pictures/boat.png" alt="a paper boat">'), answer);
  });

  it('edits a workspace image: the source is sent, never changed, and named in the recipe', async () => {
    const source = makePng(96, 64, { seed: 3 });
    await vscode.workspace.fs.writeFile(fileAt('pictures/harbour.png'), source);
    const answer = await invoke({ prompt: 'make the sky stormy', image: 'pictures/harbour.png', path: 'pictures/harbour-storm.png' });
    assert.match(answer, /pictures\/harbour\.png/);
    assert.match(answer, /pictures\/harbour-storm\.png/);
    const { recipe } = readRecipe(await vscode.workspace.fs.readFile(fileAt('pictures/harbour-storm.png')));
    assert.ok(recipe, 'the edited PNG carries its recipe');
    assert.equal(recipe.prompt, 'make the sky stormy');
    assert.deepEqual(recipe.source, { path: 'pictures/harbour.png', sha256: createHash('sha256').update(source).digest('hex') });
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(fileAt('pictures/harbour.png'))), source);
    // One request to the service, carrying the source's bytes.
    const sent = fake().requests.filter((r) => r.path.startsWith('/v1/images/'));
    assert.equal(sent.length, 1);
  });

  for (const [name, input, pattern] of [
    ['a destination outside the workspace', { prompt: 'a fox', path: '../outside.png' }, /outside the workspace/],
    ['an encoded way out', { prompt: 'a fox', path: 'pictures/%2e%2e/%2e%2e/outside.png' }, /outside the workspace/],
    ['an absolute destination', { prompt: 'a fox', path: '/tmp/fox.png' }, /absolute path/],
    ['a destination that is not .png', { prompt: 'a fox', path: 'pictures/fox.jpg' }, /does not end in \.png/],
    ['an image to edit that is not an image', { prompt: 'make it blue', image: 'chat/notes.md' }, /not a PNG, JPEG or WebP/],
    ['an image to edit outside the workspace', { prompt: 'make it blue', image: '../secret.png' }, /outside the workspace/],
    ['an image to edit that is not there', { prompt: 'make it blue', image: 'chat/gone.png' }, /There is no image at chat\/gone\.png\. Give the workspace-relative path/],
    ['a folder as the image to edit', { prompt: 'make it blue', image: 'chat' }, /chat is a folder, not an image/],
    ['an empty prompt', { prompt: '  ' }, /prompt is empty/],
    ['a seed that is not a whole number', { prompt: 'a fox', seed: 1.5 }, /seed/],
  ] as const) {
    it(`refuses ${name} in words, writing nothing and asking nothing of the service`, async () => {
      await openMarkdown('chat/notes.md', '# Notes\n');
      const before = snapshot();
      const answer = await invoke(input);
      assert.match(answer, pattern);
      assert.match(answer, /No image was made/);
      assert.match(answer, /Next step/);
      assert.deepEqual(snapshot(), before);
      assert.equal(fake().generationRequests.length, 0);
    });
  }

  it('never writes over an existing file', async () => {
    await vscode.workspace.fs.writeFile(fileAt('pictures/taken.png'), Buffer.from('not mine'));
    const before = snapshot();
    const answer = await invoke({ prompt: 'a fox', path: 'pictures/taken.png' });
    assert.match(answer, /exists already/);
    assert.deepEqual(snapshot(), before);
    assert.equal(fake().generationRequests.length, 0);
  });

  it('refuses an image to edit over 20 MB before any request', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(big);
    await vscode.workspace.fs.writeFile(fileAt('pictures/huge.png'), big);
    const answer = await invoke({ prompt: 'make it blue', image: 'pictures/huge.png' });
    assert.match(answer, /huge\.png is 20\.1 MB; an image to edit may be at most 20 MB/);
    assert.equal(fake().generationRequests.length, 0);
  });

  it('answers a rejected key (401) with the next step, without the key', async () => {
    const badKey = 'sk-invalid-chat-tool-key-0123456789';
    await (await testingApi()).setApiKey(badKey);
    const before = snapshot();
    const answer = await invoke({ prompt: 'a fox', path: 'pictures/fox.png' });
    assert.match(answer, /The API key was rejected\. /);
    assert.match(answer, /Run “Flux: Set API Key”|run “Flux: Set API Key”/);
    assert.ok(!answer.includes(badKey) && !answer.includes('chat-tool-key'), answer);
    assert.deepEqual(snapshot(), before);
    await (await testingApi()).setApiKey(TEST_KEY);
  });

  it('stops when the chat cancels, leaving nothing behind', async () => {
    fake().hold();
    const cts = new vscode.CancellationTokenSource();
    const before = snapshot();
    const pending = invoke({ prompt: 'a slow fox', path: 'pictures/slow.png' }, cts.token).then(
      (text) => text,
      (err: unknown) => `rejected: ${String(err)}`,
    );
    await fake().waitForHeld(1);
    cts.cancel();
    await waitFor('the request to be abandoned', () => fake().generationRequests[0]?.outcome.closedEarly === true);
    const answer = await pending;
    assert.match(answer, /Cancel/i);
    fake().release();
    assert.deepEqual(snapshot(), before);
  });
});
