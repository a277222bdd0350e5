// Issue #14, "every image remembers how it was made", in the real extension host: the recipe in
// the written PNG (pixels untouched), the hover, the code actions, Regenerate with one Undo,
// Show Image Recipe, and the Studio's history rebuilt from the files.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { pngTextChunks } from '../../src/core/png';
import { readRecipe, withRecipe } from '../../src/core/recipe';
import type { Recipe } from '../../src/core/recipe';
import { makePng } from '../fake/png';
import { closeAllEditors, exists, expectMessage, fakeServiceForSuite, openMarkdown, testingApi, unsetSetting, waitFor, workspaceRoot } from './helpers';

const HOSTILE = 'A fox [x](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> **bold** `code`';

/** The offset of the first IDAT chunk (to compare the pixel stream byte for byte). */
function firstIdat(png: Uint8Array): number {
  const b = Buffer.from(png);
  let at = 8;
  while (at < b.length) {
    if (b.toString('latin1', at + 4, at + 8) === 'IDAT') return at;
    at += 12 + b.readUInt32BE(at);
  }
  throw new Error('no IDAT');
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<{ value: string; trusted: unknown }[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  const out: { value: string; trusted: unknown }[] = [];
  for (const h of hovers) {
    for (const c of h.contents) {
      if (c instanceof vscode.MarkdownString || (typeof c === 'object' && 'value' in c)) out.push({ value: c.value, trusted: (c as vscode.MarkdownString).isTrusted });
    }
  }
  return out;
}

/** Every `](command:ID` link target in Markdown text that is not escaped. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/(?<!\\)\]\(command:([A-Za-z0-9._-]+)/g)].map((m) => m[1]!);
}

describe('Recipes', function () {
  const fake = fakeServiceForSuite();
  afterEach(async () => {
    await unsetSetting('flux', 'embedRecipe', vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
  });

  /** Generates into a fresh document with the given prompt; returns the editor, the image and where its reference is. */
  async function generated(name: string, prompt: string, seed = 4242, answer: { kind: 'b64' | 'url'; seed: number | null } = { kind: 'b64', seed }) {
    const original = makePng(64, 48, { seed: 7 });
    fake().enqueue({ ...answer, image: original });
    const editor = await openMarkdown(`notes/${name}.md`, 'Intro.\n\n');
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt, seed });
    assert.ok(uri, 'generated');
    const text = editor.document.getText();
    const at = text.indexOf('![');
    assert.ok(at >= 0, `a link was inserted: ${text}`);
    return { editor, uri, original, linkPosition: editor.document.positionAt(at + 3) };
  }

  it('Recipes: a gateway that does not say the seed: the image is kept, the recipe holds the fixed seed or none', async () => {
    // A random seed, and an answer without one: nothing to claim.
    const random = await generated('seedless-random', 'A harbour at night', -1, { kind: 'b64', seed: null });
    const first = readRecipe((await vscode.workspace.fs.readFile(random.uri)).subarray(0, 64 * 1024)).recipe;
    assert.ok(first, 'the file has a recipe');
    assert.equal(first.seed, null);
    const texts = new Map(pngTextChunks(await vscode.workspace.fs.readFile(random.uri)).map((t) => [t.keyword, t.text]));
    assert.doesNotMatch(texts.get('parameters') ?? '', /Seed/);
    const history = (await testingApi()).services.history;
    const record = history.list().find((r) => r.file === random.uri.toString());
    assert.ok(record, 'in the history');
    assert.equal(record.seed, undefined);
    assert.equal(record.seedRequested, -1);
    const hover = (await hoverText(random.editor.document.uri, random.linkPosition)).map((h) => h.value).join('\n');
    assert.match(hover, /\*\*Prompt:\*\* A&nbsp;harbour&nbsp;at&nbsp;night/);
    assert.doesNotMatch(hover, /Seed/);
    // A fixed seed, and an answer without one: the seed that was sent is the one used.
    await closeAllEditors();
    const fixed = await generated('seedless-fixed', 'A harbour at dawn', 42, { kind: 'url', seed: null });
    const second = readRecipe((await vscode.workspace.fs.readFile(fixed.uri)).subarray(0, 64 * 1024)).recipe;
    assert.equal(second?.seed, 42);
    assert.equal((fake().generationRequests.at(-1)!.body as { seed: number }).seed, 42);
    assert.equal(history.list().find((r) => r.file === fixed.uri.toString())?.seed, 42);
  });

  it('Recipes: a generated PNG carries the recipe chunks and the pixels the service sent', async () => {
    const { uri, original } = await generated('chunks', 'A lighthouse at dawn', 4242);
    const bytes = await vscode.workspace.fs.readFile(uri);
    const { recipe } = readRecipe(bytes.subarray(0, 64 * 1024));
    assert.ok(recipe, 'the file has a recipe');
    assert.equal(recipe.prompt, 'A lighthouse at dawn');
    assert.equal(recipe.model, 'flux-kontext-pro');
    assert.equal(recipe.seed, 4242);
    assert.equal(recipe.provider, 'dmxapi');
    const texts = new Map(pngTextChunks(bytes).map((t) => [t.keyword, t.text]));
    assert.equal(texts.get('Description'), 'A lighthouse at dawn');
    assert.equal(texts.get('Software'), 'Flux for VS Code');
    assert.match(texts.get('parameters') ?? '', /^A lighthouse at dawn\nSeed: 4242, Size: 64x48, Model: flux-kontext-pro$/);
    // Pixels: decoded equal, and the IDAT stream byte for byte what the service sent.
    assert.deepEqual(PNG.sync.read(Buffer.from(bytes)).data, PNG.sync.read(original).data);
    assert.deepEqual(Buffer.from(bytes.subarray(firstIdat(bytes))), original.subarray(firstIdat(original)));
    assert.deepEqual(Buffer.from(bytes.subarray(0, 33)), original.subarray(0, 33), 'signature and IHDR unchanged');
  });

  it('Recipes: flux.embedRecipe false writes only the AI label: no prompt, the pixels as sent', async () => {
    await vscode.workspace.getConfiguration('flux').update('embedRecipe', false, vscode.ConfigurationTarget.Workspace);
    const { uri, original } = await generated('norecipe', 'A plain image', 1);
    const bytes = await vscode.workspace.fs.readFile(uri);
    assert.deepEqual(pngTextChunks(bytes).map((t) => t.keyword), ['XML:com.adobe.xmp']);
    assert.ok(!Buffer.from(bytes).toString('latin1').includes('A plain image'), 'the prompt stays out');
    assert.match(Buffer.from(bytes).toString('latin1'), /trainedAlgorithmicMedia/);
    assert.deepEqual(Buffer.from(bytes.subarray(firstIdat(bytes))), original.subarray(firstIdat(original)));
  });

  it('Recipes: the hover shows the recipe as escaped text with only the allowed command links', async () => {
    const { editor, linkPosition } = await generated('hover', HOSTILE, 777);
    const contents = await hoverText(editor.document.uri, linkPosition);
    const ours = contents.filter((c) => c.value.includes('command:flux.'));
    assert.equal(ours.length, 1, `one Flux hover: ${JSON.stringify(contents)}`);
    const { value, trusted } = ours[0]!;
    assert.ok(value.includes('\\[x\\]\\(command:workbench.action.terminal.new\\)'), value);
    assert.ok(value.includes('\\*\\*bold\\*\\*'), value);
    assert.ok(value.includes('\\`code\\`'), value);
    assert.ok(value.includes('onerror=alert\\(1\\)'), value);
    assert.ok(value.includes('777'), 'the seed');
    assert.ok(value.includes('flux\\-kontext\\-pro'), 'the model');
    assert.deepEqual(commandLinks(value), ['flux.regenerateImage', 'flux.editImage', 'flux.openStudio']);
    assert.match(value, /!\[\]\(file:\/\/[^)\s]*\.png\|width=120\)/, 'the preview');
    if (trusted !== undefined) assert.notEqual(trusted, true, 'never isTrusted: true');
    // Not on the reference: no Flux hover.
    const elsewhere = await hoverText(editor.document.uri, new vscode.Position(0, 2));
    assert.ok(!elsewhere.some((c) => c.value.includes('command:flux.')));
  });

  it('Recipes: code actions on a reference offer Regenerate, Reproduce, Edit and Show Recipe; none elsewhere', async () => {
    const { editor, linkPosition } = await generated('actions', 'A red kite', 31);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(linkPosition, linkPosition));
    const ours = actions.filter((a) => a.command?.command.startsWith('flux.'));
    assert.deepEqual(
      ours.map((a) => a.command?.command),
      ['flux.regenerateImage', 'flux.regenerateImage', 'flux.editImage', 'flux.showImageRecipe'],
    );
    assert.equal((ours[1]!.command!.arguments![0] as { sameSeed?: boolean }).sameSeed, true);
    assert.ok(ours.every((a) => a.kind?.value === 'refactor.rewrite.flux'));
    const none = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 1, 0, 1));
    assert.ok(!none.some((a) => a.command?.command.startsWith('flux.')));
  });

  it('Recipes: Regenerate retargets the reference with a new seed; one Undo puts it back and removes the file', async () => {
    const { editor, uri, linkPosition } = await generated('regen', 'A windmill in fog', 4242);
    const before = editor.document.getText();
    editor.selection = new vscode.Selection(linkPosition, linkPosition);
    const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage');
    assert.ok(again, 'resolves to the new image');
    assert.notEqual(again.toString(), uri.toString());
    const last = fake().generationRequests.at(-1)!;
    assert.deepEqual(last.body, { prompt: 'A windmill in fog', model: 'flux-kontext-pro', size: '1x1', n: 1, seed: -1 });
    const newName = again.path.split('/').pop()!;
    assert.equal(editor.document.getText(), before.replace(uri.path.split('/').pop()!, newName), 'only the path changed');
    assert.ok(await exists(uri), 'the old image stays');
    assert.ok(await exists(again));

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the reference to come back', () => editor.document.getText() === before);
    await waitFor('the new file to go', async () => !(await exists(again)));

    // Reproduce: the recipe's seed, through the argument.
    const same = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage', { image: uri, sameSeed: true });
    assert.ok(same);
    assert.equal((fake().generationRequests.at(-1)!.body as { seed: number }).seed, 4242);
    assert.ok(editor.document.getText().includes(same.path.split('/').pop()!), 'the active editor’s reference to it was retargeted');
  });

  it('Recipes: an image without a recipe says so (Show Image Recipe, hover, Regenerate)', async () => {
    const plain = vscode.Uri.joinPath(workspaceRoot(), 'assets', 'plain.png');
    await vscode.workspace.fs.writeFile(plain, makePng(16, 16, { seed: 3 }));
    const editor = await openMarkdown('notes/plain.md', '![a plain one](../assets/plain.png)\n');
    assert.equal(await vscode.commands.executeCommand('flux.showImageRecipe', plain), undefined);
    const contents = (await hoverText(editor.document.uri, new vscode.Position(0, 5))).filter((c) => c.value.includes('command:flux.'));
    assert.equal(contents.length, 1);
    assert.match(contents[0]!.value, /no(&nbsp;| )recipe/);
    assert.deepEqual(commandLinks(contents[0]!.value), ['flux.editImage']);
    editor.selection = new vscode.Selection(0, 5, 0, 5);
    const before = fake().generationRequests.length;
    assert.equal(await vscode.commands.executeCommand('flux.regenerateImage'), undefined);
    assert.equal(fake().generationRequests.length, before, 'nothing was requested');
  });

  it('Recipes: Regenerate of an edited image sends its input again, and says why when the input cannot be sent', async () => {
    const SOURCE = makePng(40, 30, { seed: 5 });
    /** An image whose recipe says it was made by editing `source` (workspace-relative). */
    async function editedImage(name: string, source: string, sha256 = createHash('sha256').update(SOURCE).digest('hex')): Promise<vscode.Uri> {
      const recipe: Recipe = { v: 1, prompt: 'make it snow', model: 'flux-kontext-max', size: '16x9', seed: 77, provider: 'dmxapi', created: '2026-12-01T10:00:00.000Z', source: { path: source, sha256 } };
      const pieces = withRecipe(makePng(40, 30, { seed: 6 }), recipe);
      assert.ok(pieces);
      const uri = vscode.Uri.joinPath(workspaceRoot(), 'assets', name);
      await vscode.workspace.fs.writeFile(uri, Buffer.concat(pieces));
      return uri;
    }
    const pic = (relative: string) => vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
    await vscode.workspace.fs.writeFile(pic('pics/regen-source.png'), SOURCE);
    await vscode.workspace.fs.writeFile(pic('pics/regen-notes.png'), Buffer.from('# these are notes, not an image\n'));
    const messages = (await testingApi()).messages;
    let again: vscode.Uri | undefined;
    let inPlace: vscode.Uri | undefined;
    try {
      // The input is there: an edit is sent again, with the input's bytes and the recipe's prompt and model.
      again = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage', { image: await editedImage('regen-edit.png', 'pics/regen-source.png') });
      assert.ok(again, 'made again');
      assert.equal(fake().editRequests.length, 1);
      const parts = (fake().editRequests[0]!.body as { parts: { name: string; value?: string; bytes?: Buffer }[] }).parts;
      const part = (name: string) => parts.find((p) => p.name === name);
      assert.ok(Buffer.from(SOURCE).equals(part('image')!.bytes!), 'the input image, byte for byte');
      assert.equal(part('prompt')?.value, 'make it snow');
      assert.equal(part('model')?.value, 'flux-kontext-max');
      assert.equal(part('seed'), undefined, 'Regenerate asks for a new seed: none is sent');
      const sourceSha = createHash('sha256').update(SOURCE).digest('hex');
      assert.deepEqual(readRecipe(await vscode.workspace.fs.readFile(again)).recipe?.source, { path: 'pics/regen-source.png', sha256: sourceSha }, 'the new image says what it was made from');

      // From a reference to it: the reference is retargeted, and the new recipe keeps its source too.
      const editor = await openMarkdown('notes/regen-edit.md', '# Snow\n\n![snow](../assets/regen-edit.png)\n');
      editor.selection = new vscode.Selection(2, 3, 2, 3);
      messages.clear();
      inPlace = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage');
      assert.ok(inPlace, 'made again in place');
      assert.equal(editor.document.getText(), `# Snow\n\n![snow](../assets/${inPlace.path.split('/').pop()})\n`);
      assert.deepEqual(readRecipe(await vscode.workspace.fs.readFile(inPlace)).recipe?.source, { path: 'pics/regen-source.png', sha256: sourceSha });
      // The new file's own name: two images made in the same second get a `-2`.
      const newName = inPlace.path.split('/').pop()!.replace(/[.-]/g, '\\$&');
      const said = await expectMessage('info', new RegExp(`^Saved \\S*assets/${newName} and pointed the image in notes/regen-edit\\.md at it\\.$`));
      assert.deepEqual(said.buttons, ['Open', 'Reveal in Explorer', 'Open in Studio']);

      // The input is there but no longer an image: said so, not "no longer there"; an edit of
      // this image offered instead; nothing sent.
      messages.clear();
      const notes = await editedImage('regen-notes-edit.png', 'pics/regen-notes.png');
      assert.equal(await vscode.commands.executeCommand('flux.regenerateImage', { image: notes }), undefined);
      const instead = await expectMessage('info', /made by editing pics\/regen-notes\.png, which is no longer a PNG, JPEG or WebP image of at most 20 MB, so it cannot be made again\. Edit this image instead\?/);
      assert.deepEqual(instead.buttons, ['Edit…']);

      // The input is gone: the person is offered an edit of this image instead.
      messages.clear();
      const orphan = await editedImage('regen-orphan.png', 'pics/regen-gone.png');
      assert.equal(await vscode.commands.executeCommand('flux.regenerateImage', { image: orphan }), undefined);
      const offer = await expectMessage('info', /made by editing pics\/regen-gone\.png, which is no longer there, so it cannot be made again/);
      assert.deepEqual(offer.buttons, ['Edit…']);
      assert.equal(fake().editRequests.length, 2, 'nothing more was sent');
      assert.equal(fake().generationRequests.length, 0);
    } finally {
      for (const f of ['assets/regen-edit.png', 'assets/regen-notes-edit.png', 'assets/regen-orphan.png', 'pics/regen-source.png', 'pics/regen-notes.png']) {
        await vscode.workspace.fs.delete(pic(f), { useTrash: false }).then(undefined, () => undefined);
      }
      for (const made of [again, inPlace]) if (made) await vscode.workspace.fs.delete(made, { useTrash: false }).then(undefined, () => undefined);
    }
  });

  it('Recipes: Show Image Recipe opens the recipe as plain text', async () => {
    const { uri } = await generated('show', HOSTILE, 12);
    const recipe = await vscode.commands.executeCommand<{ prompt: string } | undefined>('flux.showImageRecipe', uri);
    assert.equal(recipe?.prompt, HOSTILE);
    await waitFor('the recipe document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'flux-recipe');
    const text = vscode.window.activeTextEditor!.document.getText();
    // The prompt on one line, to be copied whole; the page's own language wraps it on screen.
    assert.ok(text.split('\n').includes(`Prompt: ${HOSTILE}`), text);
    assert.equal(vscode.window.activeTextEditor!.document.languageId, 'flux-recipe');
    const settings = vscode.workspace.getConfiguration('editor', { languageId: 'flux-recipe' });
    assert.equal(settings.get('wordWrap'), 'on');
    assert.equal(settings.get('links'), false, 'nothing on the page becomes a link');
    assert.ok(text.includes('Seed: 12'));
    // Local time, not the stored ISO string; the JSON is not repeated below, the page says where it is.
    assert.doesNotMatch(text, /Created: \d{4}-\d\d-\d\dT/);
    assert.match(text, /Created: \S/);
    assert.doesNotMatch(text, /"created"/);
    assert.match(text, /Flux: Show Image Recipe as JSON/);
    // The title bar's button (it passes the page's URI): the JSON, as stored, in the page's group.
    const pageEditor = vscode.window.activeTextEditor!;
    const again = await vscode.commands.executeCommand<{ prompt: string } | undefined>('flux.showImageRecipeJson', pageEditor.document.uri);
    assert.equal(again?.prompt, HOSTILE);
    await waitFor('the JSON document', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('.recipe.json') === true);
    const jsonEditor = vscode.window.activeTextEditor!;
    // JSON's grammar under a language of its own: wrapped, and a URL in a prompt is no link.
    await waitFor('the JSON language', () => vscode.window.activeTextEditor?.document.languageId === 'flux-recipe-json');
    const jsonSettings = vscode.workspace.getConfiguration('editor', { languageId: 'flux-recipe-json' });
    assert.equal(jsonSettings.get('links'), false);
    assert.equal(jsonSettings.get('wordWrap'), 'on');
    assert.equal(jsonEditor.viewColumn, pageEditor.viewColumn);
    const json = JSON.parse(jsonEditor.document.getText()) as { prompt: string; seed: number; created: string };
    assert.equal(json.prompt, HOSTILE);
    assert.equal(json.seed, 12);
    assert.match(json.created, /^\d{4}-\d\d-\d\dT/);
    // The page opened again by VS Code itself (as Go Back or a restored window do): its language again.
    const reopened = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(pageEditor.document.uri), pageEditor.viewColumn);
    await waitFor('the page in its language again', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('.recipe.txt') === true && vscode.window.activeTextEditor.document.languageId === 'flux-recipe');
    // From the palette, with the page in front: the JSON in the same group, not a second page beside.
    const groups = vscode.window.tabGroups.all.length;
    await vscode.commands.executeCommand('flux.showImageRecipeJson');
    await waitFor('the JSON document again', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('.recipe.json') === true);
    assert.equal(vscode.window.activeTextEditor?.viewColumn, reopened.viewColumn);
    assert.equal(vscode.window.tabGroups.all.length, groups);
  });

  it('Recipes: the Studio history is rebuilt from the files, and deleted files drop out', async () => {
    const api = await testingApi();
    const a = await generated('histA', 'A blue heron', 1);
    const b = await generated('histB', 'A green valley', 2);
    const { history } = api.services;
    // As after clearing the workspace state: nothing stored.
    await history.removeMany(history.list().map((e) => e.id));
    assert.equal(history.size, 0);
    const result = await api.fileHistory.scan();
    assert.ok(result.added >= 2, JSON.stringify(result));
    const byFile = new Map(history.list().map((e) => [e.file, e]));
    assert.equal(byFile.get(a.uri.toString())?.prompt, 'A blue heron');
    assert.equal(byFile.get(b.uri.toString())?.seed, 2);
    assert.ok(history.list().every((e) => e.id.startsWith('file-')));
    // Newest first.
    const files = history.list().map((e) => e.file);
    assert.ok(files.indexOf(b.uri.toString()) < files.indexOf(a.uri.toString()));
    // A second scan adds nothing twice.
    const again = await api.fileHistory.scan();
    assert.equal(again.added, 0);

    await vscode.workspace.fs.delete(a.uri);
    await api.fileHistory.scan();
    assert.ok(!history.list().some((e) => e.file === a.uri.toString()), 'the deleted file dropped out');
    assert.ok(history.list().some((e) => e.file === b.uri.toString()));
    // Removed by the person: not brought back.
    const entryB = history.list().find((e) => e.file === b.uri.toString())!;
    await history.remove(entryB.id);
    await waitFor('the dismissal to be remembered', async () => (await api.fileHistory.scan()).added === 0);
    assert.ok(!history.list().some((e) => e.file === b.uri.toString()));
  });

  it('Recipes: Show Spending counts this month from the images a clone brings, by their recipes', async () => {
    const api = await testingApi();
    await generated('spendA', 'A tern over the dunes', 11);
    await generated('spendB', 'A puffin on a cliff', 12);
    const { history } = api.services;
    // As in a fresh clone: no records, only the files and their recipes.
    await history.removeMany(history.list().map((e) => e.id));
    await api.fileHistory.scan();
    assert.ok(history.size >= 2, String(history.size));
    // BFL's list prices per image, worked out by hand (src/core/prices.ts has the sources).
    const perImage: Record<string, number> = { 'flux-kontext-pro': 0.04, 'flux-kontext-max': 0.08, 'flux-kontext-dev': 0.025 };
    const expected = history.list().reduce((sum, e) => sum + (perImage[e.model] ?? Number.NaN), 0);
    const figures = await vscode.commands.executeCommand<{ month: number; total: number }>('flux.showSpending');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(Math.abs(figures.total - expected) < 1e-9, `${figures.total} vs ${expected}`);
    // Every one of them was made in this run, so this month is all time.
    assert.ok(Math.abs(figures.month - expected) < 1e-9, `${figures.month} vs ${expected}`);
  });
});
