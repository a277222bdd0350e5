// Issue #26, "every image says it is AI-made", in the real extension host: a JPEG answer is
// written as .jpg with its label and recipe, read back by the hover and Show Image Recipe; a PNG
// with the service's Content Credentials is written byte for byte, its recipe from the history.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readImageMeta } from '../../src/core/imageMeta';
import { JPEG_BYTES, makeC2paPng } from '../fake/png';
import { closeAllEditors, fakeServiceForSuite, openMarkdown, selectLine, testingApi, waitFor } from './helpers';

async function hoverValue(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'object' && 'value' in c ? c.value : ''))
    .join('\n');
}

describe('AI label', function () {
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('AI label: a [jpeg] answer from the selection is a .jpg with the label and the recipe; hover and Show Image Recipe read it', async () => {
    const editor = await openMarkdown('notes/ai-jpeg.md', '# Fox\n\nA red fox in fresh snow [jpeg]\n');
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'generated');
    assert.match(uri.path, /\.jpg$/, 'the extension follows the bytes');
    const bytes = await vscode.workspace.fs.readFile(uri);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const meta = readImageMeta(bytes.subarray(0, 64 * 1024));
    assert.equal(meta.aiGenerated, true);
    assert.equal(meta.aiSystem, 'flux-kontext-pro');
    assert.equal(meta.recipe?.prompt, 'A red fox in fresh snow [jpeg]');
    // The scan after the image data is the service's, byte for byte.
    assert.deepEqual(Buffer.from(bytes.subarray(bytes.length - 40)), JPEG_BYTES.subarray(JPEG_BYTES.length - 40));
    const name = uri.path.split('/').pop()!;
    const text = editor.document.getText();
    assert.ok(text.includes(`](../assets/${name})`), text);

    const hover = await hoverValue(editor.document.uri, editor.document.positionAt(text.indexOf('![') + 3));
    assert.match(hover, /AI\\-generated/, hover);
    assert.match(hover, /A&nbsp;red&nbsp;fox/, hover);
    assert.ok(hover.includes('command:flux.regenerateImage'), 'Regenerate is offered');
    assert.doesNotMatch(hover, /Content Credentials/);

    const recipe = await vscode.commands.executeCommand<{ prompt: string } | undefined>('flux.showImageRecipe', uri);
    assert.equal(recipe?.prompt, 'A red fox in fresh snow [jpeg]');
    await waitFor('the recipe document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'flux-recipe');
    assert.ok(vscode.window.activeTextEditor!.document.getText().includes('Model: flux-kontext-pro'));

    // Regenerate from the JPEG's recipe, as the hover's link does: a new .jpg, the reference retargeted.
    await vscode.window.showTextDocument(editor.document);
    const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.regenerateImage', { image: uri });
    assert.ok(again && again.toString() !== uri.toString(), 'regenerated');
    assert.match(again.path, /\.jpg$/);
    assert.ok(editor.document.getText().includes(`](../assets/${again.path.split('/').pop()!})`), editor.document.getText());
    assert.equal((fake().generationRequests.at(-1)?.body as { prompt?: string } | undefined)?.prompt, 'A red fox in fresh snow [jpeg]');
  });

  it('AI label: a [webp] answer is a .webp in the extended layout with the label, listed in the history', async () => {
    const editor = await openMarkdown('notes/ai-webp.md', '# Kite\n\nA red kite over the moor [webp]\n');
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'generated');
    assert.match(uri.path, /\.webp$/);
    const bytes = Buffer.from(await vscode.workspace.fs.readFile(uri));
    assert.equal(bytes.toString('latin1', 12, 16), 'VP8X');
    assert.equal(bytes.readUInt32LE(4), bytes.length - 8);
    const meta = readImageMeta(bytes);
    assert.equal(meta.aiGenerated, true);
    assert.equal(meta.recipe?.prompt, 'A red kite over the moor [webp]');
    assert.ok((await testingApi()).services.history.list().some((r) => r.file === uri.toString()));
  });

  it('AI label: a [c2pa] PNG is written byte for byte; the hover says Content Credentials and shows the recipe from the history', async () => {
    const signed = makeC2paPng(64, 64, { seed: 5 });
    fake().enqueue({ kind: 'b64', image: signed });
    const editor = await openMarkdown('notes/ai-c2pa.md', '# Signed\n\nA lighthouse, signed [c2pa]\n');
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'generated');
    assert.match(uri.path, /\.png$/);
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)), signed, 'not one byte changed');
    const record = (await testingApi()).services.history.list().find((r) => r.file === uri.toString());
    assert.equal(record?.prompt, 'A lighthouse, signed [c2pa]', 'the recipe is in the history');
    const text = editor.document.getText();
    const hover = await hoverValue(editor.document.uri, editor.document.positionAt(text.indexOf('![') + 3));
    assert.match(hover, /Content Credentials from the service/, hover);
    assert.match(hover, /A&nbsp;lighthouse,&nbsp;signed/, hover);
  });
});
