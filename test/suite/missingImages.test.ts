// Generate Missing Images in the real extension host: which references are generated, where the
// files go, the document left as it was (but for .jpg → .png, undoable), the shared queue's
// rounds, cancel, Retry Failed, the workspace form; and links in each language's own syntax.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exists, fakeServiceForSuite, PNG_SIGNATURE, removeFolder, testingApi, unsetSetting, waitFor, workspaceRoot } from './helpers';

interface Result {
  written: vscode.Uri[];
  failed: { path: string; message: string }[];
  skipped: string[];
}

const DIR = 'missing';
const uriOf = (relative: string) => vscode.Uri.joinPath(workspaceRoot(), relative);
const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, false);

async function write(relative: string, text: string | Uint8Array): Promise<vscode.Uri> {
  const uri = uriOf(relative);
  await vscode.workspace.fs.writeFile(uri, typeof text === 'string' ? Buffer.from(text) : text);
  return uri;
}

async function show(relative: string, text: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(await write(relative, text));
  // A document an earlier test left open under this name hears of the new file a moment later.
  await waitFor(`${relative} to hold the new text`, () => doc.getText() === text);
  return vscode.window.showTextDocument(doc);
}

/** Every file under the workspace (dotfiles too), workspace-relative. */
async function listAll(folder = workspaceRoot(), prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    if (type & vscode.FileType.Directory) out.push(...(await listAll(vscode.Uri.joinPath(folder, name), `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out.sort();
}

async function isPng(uri: vscode.Uri): Promise<boolean> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

async function setLimit(n: number | undefined): Promise<void> {
  if (n === undefined) await unsetSetting('flux', 'maxParallelRequests', vscode.ConfigurationTarget.Workspace);
  else await vscode.workspace.getConfiguration('flux').update('maxParallelRequests', n, vscode.ConfigurationTarget.Workspace);
}

type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };

/**
 * Messages, the quick pick and the progress notification, answered by the test: the extension
 * gets the same `vscode` object as this suite, so its calls land here.
 */
class Stubs {
  /** `details`: the read-only document Show Details opened for that message (the stub presses it unless `answer` chose). */
  readonly messages: { level: 'info' | 'warning'; text: string; buttons: string[]; details?: string }[] = [];
  readonly progress: string[] = [];
  answer: ((text: string, buttons: string[]) => string | undefined | Promise<string | undefined>) | undefined;
  pick: ((items: vscode.QuickPickItem[]) => vscode.QuickPickItem[] | undefined | Promise<vscode.QuickPickItem[] | undefined>) | undefined;
  pickedFrom: vscode.QuickPickItem[] = [];
  /** The pick's title when it opened, and after the ticks were changed. */
  readonly titles: string[] = [];
  placeHolder: string | undefined;
  readonly cancel = new vscode.CancellationTokenSource();
  private readonly saved: Partial<Window> = {};
  private readonly win = vscode.window as unknown as Window;

  install(options: { progress?: boolean } = {}): this {
    const record = (level: 'info' | 'warning') => (text: string, ...rest: unknown[]) => {
      const buttons = rest.filter((b): b is string => typeof b === 'string');
      const message: Stubs['messages'][number] = { level, text, buttons };
      this.messages.push(message);
      return Promise.resolve(this.answer?.(text, buttons)).then((chosen) => {
        const pressed = chosen ?? (buttons.includes('Show Details') ? 'Show Details' : undefined);
        if (pressed === 'Show Details') this.pressed.push(message);
        return pressed;
      });
    };
    // Show Details shows its document with focus. Watched as the active editor, not as a document
    // opened: a summary worded as an earlier test's finds its document still open, and opens none.
    this.opened = vscode.window.onDidChangeActiveTextEditor((editor) => {
      const doc = editor?.document;
      if (doc?.uri.scheme !== 'flux-details') return;
      // The first message whose Show Details was pressed and has no document yet (a message whose
      // answer was another button never opens one).
      const waiting = this.pressed.find((m) => m.details === undefined);
      if (waiting) waiting.details = doc.getText();
    });
    this.replace('showInformationMessage', record('info') as Window['showInformationMessage']);
    this.replace('showWarningMessage', record('warning') as Window['showWarningMessage']);
    // The pick as the person meets it: its items, its title after each change of ticks, Enter.
    this.replace('createQuickPick', (() => {
      const selection = new vscode.EventEmitter<readonly vscode.QuickPickItem[]>();
      const accept = new vscode.EventEmitter<void>();
      const hide = new vscode.EventEmitter<void>();
      const qp = {
        items: [] as vscode.QuickPickItem[],
        selectedItems: [] as readonly vscode.QuickPickItem[],
        title: undefined as string | undefined,
        placeholder: undefined as string | undefined,
        onDidChangeSelection: selection.event,
        onDidAccept: accept.event,
        onDidHide: hide.event,
        show: () => {
          this.pickedFrom = qp.items;
          this.placeHolder = qp.placeholder;
          this.titles.push(qp.title ?? '');
          void (async () => {
            const chosen = this.pick ? await this.pick(qp.items) : qp.items.filter((i) => i.picked);
            if (chosen === undefined) return hide.fire();
            qp.selectedItems = chosen;
            selection.fire(chosen);
            this.titles.push(qp.title ?? '');
            accept.fire();
          })();
        },
        hide: () => hide.fire(),
        dispose: () => [selection, accept, hide].forEach((e) => e.dispose()),
      };
      return qp;
    }) as unknown as Window['createQuickPick']);
    if (options.progress) {
      this.replace('withProgress', ((_options: vscode.ProgressOptions, task: (p: vscode.Progress<{ message?: string }>, t: vscode.CancellationToken) => Thenable<unknown>) =>
        task({ report: (v) => v.message !== undefined && this.progress.push(v.message) }, this.cancel.token)) as Window['withProgress']);
    }
    return this;
  }

  private opened: vscode.Disposable | undefined;

  /** Message `i` and the whole summary behind its Show Details, as one text. */
  async whole(i: number): Promise<string> {
    await waitFor(`the details of message ${i}`, () => this.messages[i]?.details !== undefined);
    return `${this.messages[i]!.text}\n${this.messages[i]!.details!}`;
  }

  private replace<K extends keyof Window>(key: K, value: Window[K]): void {
    this.saved[key] = this.win[key];
    this.win[key] = value;
  }

  /** The messages whose Show Details was pressed (by the stub or the test's answer). */
  private readonly pressed: Stubs['messages'][number][] = [];

  /** Every Show Details the stub pressed has opened its document (up to 5 s). */
  async settled(): Promise<void> {
    await waitFor('the summaries\' details', () => this.pressed.every((m) => m.details !== undefined), 5000).catch(() => undefined);
  }

  restore(): void {
    for (const [key, value] of Object.entries(this.saved)) (this.win as unknown as Record<string, unknown>)[key] = value;
    this.cancel.dispose();
    this.opened?.dispose();
    const details = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'flux-details');
    void vscode.window.tabGroups.close(details);
  }
}

const EIGHT = [
  '# Field notes',
  '',
  '![A lighthouse at dusk](img/exists-1.png)',
  '',
  'A harbour wall ![A harbour wall](img/exists-2.png) in the text.',
  '',
  '![A town beyond the hills](../../outside.png)',
  '',
  '![](img/empty-alt.png)',
  '',
  '```md',
  '![Inside a fence](img/fenced.png)',
  '```',
  '',
  '![A gull over the sea][gull]',
  '',
  '<img src="img/html-tag.png" alt="A red boat">',
  '',
  '![A fox in snow](img/fox.jpg)',
  '',
  '[gull]: img/gull.png',
  '',
].join('\n');

describe('Generate Missing Images', function () {
  const fake = fakeServiceForSuite();
  let stubs: Stubs;
  beforeEach(async () => {
    await removeFolder(DIR);
    stubs = new Stubs();
  });
  afterEach(async () => {
    // A summary's Show Details (pressed by the stub) opens its document a moment later: let it,
    // so it is closed here and never becomes the next test's active editor.
    await stubs.settled();
    stubs.restore();
    await setLimit(undefined);
    await closeAllEditors();
    await removeFolder(DIR);
  });

  it('generates exactly the missing references at their paths; the text stays but for .jpg → .png, which one Undo takes back', async () => {
    stubs.install();
    await write(`${DIR}/img/exists-1.png`, new Uint8Array(PNG_SIGNATURE));
    await write(`${DIR}/img/exists-2.png`, new Uint8Array(PNG_SIGNATURE));
    const editor = await show(`${DIR}/notes.md`, EIGHT);
    const before = await listAll();

    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages');
    assert.deepEqual(
      result.written.map(rel),
      [`${DIR}/img/gull.png`, `${DIR}/img/html-tag.png`, `${DIR}/img/fox.png`],
    );
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.skipped, ['../../outside.png (outside the workspace)', 'img/empty-alt.png (no alt text or caption to use as the prompt)']);
    for (const uri of result.written) assert.ok(await isPng(uri), rel(uri));
    assert.deepEqual(fake().generationRequests.map((r) => (r.body as { prompt: string }).prompt).sort(), ['A fox in snow', 'A gull over the sea', 'A red boat']);
    // The quick pick offered exactly those, all picked, prompt as label and path as description.
    assert.deepEqual(
      stubs.pickedFrom.map((i) => [i.label, i.description, i.picked]),
      [
        ['A gull over the sea', `${DIR}/img/gull.png`, true],
        ['A red boat', `${DIR}/img/html-tag.png`, true],
        ['A fox in snow', `${DIR}/img/fox.png`, true],
      ],
    );
    // What it will do, on each image's own line: the model, size and provider, and which reference will be rewritten.
    assert.match(stubs.placeHolder ?? '', /^Uncheck the images to leave alone/);
    assert.deepEqual(stubs.pickedFrom.map((i) => i.detail), [
      'flux-kontext-pro · 1:1 · DMXAPI',
      'flux-kontext-pro · 1:1 · DMXAPI',
      'flux-kontext-pro · 1:1 · DMXAPI — The reference img/fox.jpg will be changed to img/fox.png: the service answers PNG.',
    ]);

    const after = await listAll();
    assert.deepEqual(
      after.filter((f) => !before.includes(f)),
      [`${DIR}/img/fox.png`, `${DIR}/img/gull.png`, `${DIR}/img/html-tag.png`],
      'nothing else written: no fenced image, no .jpg, no temporary file',
    );
    assert.equal(editor.document.getText(), EIGHT.replace('](img/fox.jpg)', '](img/fox.png)'), 'byte-identical but for the .jpg reference');
    await waitFor('the summary', () => stubs.messages.length > 0);
    const summary = stubs.messages[0]!;
    assert.equal(summary.level, 'info');
    // One short sentence in the notification, the rest behind Show Details.
    assert.equal(summary.text, 'Generated 3 of 3 missing images.');
    assert.deepEqual(summary.buttons, ['Show Details']);
    const whole = await stubs.whole(0);
    assert.match(whole, /img\/fox\.jpg → img\/fox\.png/);
    assert.match(whole, /Skipped 2: \.\.\/\.\.\/outside\.png \(outside the workspace\); img\/empty-alt\.png \(no alt text/);
    assert.match(whole, new RegExp(`Written:\\n- ${DIR}/img/gull\\.png\\n`));

    // Again: nothing is missing now, and it says so (the document in front again, after Show Details).
    await vscode.window.showTextDocument(editor.document);
    stubs.messages.length = 0;
    const again = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    assert.deepEqual(again.written, []);
    assert.equal(fake().generationRequests.length, 3);
    await waitFor('the message', () => stubs.messages.length > 0);
    assert.match(stubs.messages[0]!.text, /^No missing images in missing\/notes\.md/);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the reference to go back', () => editor.document.getText() === EIGHT);
    await waitFor('fox.png to go', async () => !(await exists(uriOf(`${DIR}/img/fox.png`))));
    assert.ok(await exists(uriOf(`${DIR}/img/gull.png`)), 'the other images stay');
  });

  it('eight images at a limit of four take two rounds of the service; one progress counts them', async () => {
    stubs.install({ progress: true });
    await setLimit(4);
    const text = Array.from({ length: 8 }, (_, i) => `![Picture number ${i + 1}](pics/p${i + 1}.png)\n`).join('\n');
    await show(`${DIR}/rounds.md`, text);
    fake().enqueue(...Array.from({ length: 8 }, () => ({ kind: 'b64' as const, delayMs: 2000 })));
    const t0 = Date.now();
    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    const ms = Date.now() - t0;
    assert.equal(result.written.length, 8);
    assert.equal(fake().maxConcurrent, 4, 'four at once, never more');
    assert.ok(ms > 1.5 * 2000, `two rounds, not one: ${ms} ms`);
    assert.ok(ms < 3 * 2000, `two rounds, not three or eight: ${ms} ms`);
    assert.deepEqual(stubs.progress, ['0 of 8', '1 of 8', '2 of 8', '3 of 8', '4 of 8', '5 of 8', '6 of 8', '7 of 8', '8 of 8']);
  });

  it('Cancel keeps the finished images and leaves nothing of the others, anywhere', async () => {
    stubs.install({ progress: true });
    await setLimit(4);
    const text = Array.from({ length: 8 }, (_, i) => `![Picture number ${i + 1}](pics/p${i + 1}.png)\n`).join('\n');
    const editor = await show(`${DIR}/cancel.md`, text);
    const before = await listAll();
    fake().enqueue(...Array.from({ length: 8 }, () => ({ kind: 'b64' as const, delayMs: 2000 })));
    const running = vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    await waitFor('the second round in flight', () => fake().generationRequests.length === 8 && fake().inFlight === 4, 20_000);
    stubs.cancel.cancel();
    const result = await running;
    assert.equal(result.written.length, 4);
    assert.equal(result.failed.length, 4);
    for (const f of result.failed) assert.match(f.message, /Cancelled/);
    const added = (await listAll()).filter((f) => !before.includes(f));
    assert.deepEqual(added, result.written.map(rel).sort(), `only the finished images: ${added.join(', ')}`);
    for (const uri of result.written) assert.ok(await isPng(uri));
    assert.equal(editor.document.getText(), text);
    await waitFor('the summary', () => stubs.messages.length > 0);
    assert.match(stubs.messages[0]!.text, /Cancelled: 4 of 8 images were written/);
    // Nothing failed: the way on is not the highlighted button.
    assert.deepEqual(stubs.messages[0]!.buttons, ['Show Details', 'Generate the Rest']);
  });

  it('Retry Failed reruns only the failed one', async () => {
    stubs.install();
    await setLimit(1);
    await show(`${DIR}/retry.md`, '![A storm at sea](art/storm.png)\n\n![A calm morning](art/calm.png)\n');
    // One at a time: the first image gets every attempt's 500 (retried at once, Retry-After: 0).
    fake().enqueue(...Array.from({ length: 4 }, () => ({ kind: 'error' as const, status: 500, shape: 'openai' as const, retryAfter: '0' })));
    // The person presses Retry Failed once the test has looked at the first run.
    let press: () => void = () => undefined;
    const pressed = new Promise<string>((resolve) => (press = () => resolve('Retry Failed')));
    let retried = false;
    stubs.answer = (_text, buttons) => {
      if (retried || !buttons.includes('Retry Failed')) return undefined;
      retried = true;
      return pressed;
    };
    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    assert.deepEqual(result.written.map(rel), [`${DIR}/art/calm.png`]);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0]!.path, `${DIR}/art/storm.png`);
    assert.match(result.failed[0]!.message, /failed on its side/);
    assert.equal(fake().generationRequests.length, 5);
    assert.ok(!(await exists(uriOf(`${DIR}/art/storm.png`))));
    await waitFor('the summary', () => retried);
    press();
    await waitFor('the retried image', () => exists(uriOf(`${DIR}/art/storm.png`)), 20_000);
    assert.ok(await isPng(uriOf(`${DIR}/art/storm.png`)));
    assert.equal(fake().generationRequests.length, 6, 'one more request: the failed image only');
    assert.equal((fake().generationRequests[5]!.body as { prompt: string }).prompt, 'A storm at sea');
    assert.match(stubs.messages[0]!.text, /Generated 1 of 2 missing images; 1 failed/);
    await waitFor('the retry summary', () => stubs.messages.length > 1);
    assert.match(stubs.messages[1]!.text, /Generated 1 of 1 missing images/);
  });

  it('over the workspace: every document, grouped by document, results summed; node_modules and files.exclude left out', async () => {
    stubs.install();
    const files = vscode.workspace.getConfiguration('files');
    await files.update('exclude', { '**/hidden-docs': true }, vscode.ConfigurationTarget.Workspace);
    try {
      await write(`${DIR}/ws/a.md`, '# A\n\n![A quiet bay](a-img/bay.png)\n\n![](a-img/none.png)\n');
      await write(`${DIR}/ws/b.rst`, 'B\n=\n\n.. image:: b-img/tower.png\n   :alt: A stone tower\n\n.. figure:: b-img/hill.jpg\n   :alt: A green hill\n');
      await write(`${DIR}/node_modules/pkg/c.md`, '![Not ours](c.png)\n');
      await write(`${DIR}/hidden-docs/d.md`, '![Excluded](d.png)\n');
      // Only this suite's documents are picked: other suites' files may be in the workspace too.
      stubs.pick = (items) => {
        const ours = items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && i.description?.startsWith(`${DIR}/`));
        return ours;
      };
      const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImagesInWorkspace');
      const labels = stubs.pickedFrom.map((i) => (i.kind === vscode.QuickPickItemKind.Separator ? `# ${i.label}` : `${i.label} | ${i.description}`));
      const at = labels.indexOf(`# ${DIR}/ws/a.md`);
      assert.ok(at >= 0, labels.join('\n'));
      assert.deepEqual(labels.slice(at, at + 5), [
        `# ${DIR}/ws/a.md`,
        `A quiet bay | ${DIR}/ws/a-img/bay.png`,
        `# ${DIR}/ws/b.rst`,
        `A stone tower | ${DIR}/ws/b-img/tower.png`,
        `A green hill | ${DIR}/ws/b-img/hill.png`,
      ]);
      assert.ok(!labels.some((l) => /Not ours|Excluded/.test(l)), 'node_modules and files.exclude are not read');
      assert.deepEqual(result.written.map(rel), [`${DIR}/ws/a-img/bay.png`, `${DIR}/ws/b-img/tower.png`, `${DIR}/ws/b-img/hill.png`]);
      assert.ok(result.skipped.includes(`${DIR}/ws/a.md: a-img/none.png (no alt text or caption to use as the prompt)`), result.skipped.join('\n'));
      for (const uri of result.written) assert.ok(await isPng(uri));
      // b.rst was not open: its retargeted reference is saved, not left in a hidden buffer.
      await waitFor('the summary', () => stubs.messages.length > 0);
      assert.match(await stubs.whole(0), /b-img\/hill\.jpg → b-img\/hill\.png/, 'the reference was retargeted');
      const b = new TextDecoder().decode(await vscode.workspace.fs.readFile(uriOf(`${DIR}/ws/b.rst`)));
      assert.match(b, /\.\. figure:: b-img\/hill\.png\n {3}:alt: A green hill/);
    } finally {
      await files.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('over a workspace of more documents than VS Code keeps open for an extension: the first is still retargeted and saved', async () => {
    stubs.install();
    await write(`${DIR}/many/a.md`, '# A\n\n![A green hill](img/hill.jpg)\n');
    await write(`${DIR}/many/img/there.png`, Uint8Array.from(PNG_SIGNATURE));
    // VS Code lets go of documents an extension opened, without an editor, past 50 of them.
    for (let i = 0; i < 80; i++) await write(`${DIR}/many/z${String(i).padStart(2, '0')}.md`, `Page ${i}\n\n![There](img/there.png)\n`);
    stubs.pick = (items) => items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && i.description?.startsWith(`${DIR}/`));
    const isA = (d: vscode.TextDocument) => d.uri.toString() === uriOf(`${DIR}/many/a.md`).toString();
    let letGo = false;
    const sub = vscode.workspace.onDidCloseTextDocument((d) => (letGo ||= isA(d)));
    fake().hold();
    try {
      const running = vscode.commands.executeCommand<Result>('flux.generateMissingImagesInWorkspace');
      await waitFor('the request', () => fake().held === 1);
      await waitFor('VS Code to let go of a.md, which the scan opened first', () => letGo);
      fake().release();
      const result = await running;
      assert.deepEqual(result.written.map(rel), [`${DIR}/many/img/hill.png`]);
    } finally {
      sub.dispose();
    }
    await waitFor('the summary', () => stubs.messages.length > 0);
    assert.match(await stubs.whole(0), /img\/hill\.jpg → img\/hill\.png/);
    const a = new TextDecoder().decode(await vscode.workspace.fs.readFile(uriOf(`${DIR}/many/a.md`)));
    assert.equal(a, '# A\n\n![A green hill](img/hill.png)\n', 'retargeted and saved');
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uriOf(`${DIR}/many/a.md`).toString());
    assert.ok(!open?.isDirty, 'no unsaved change left in a buffer nobody sees');
  });

  it('AsciiDoc: imagesdir and the document’s attributes are resolved; a reference naming an undefined attribute is skipped with why, never used as a path', async () => {
    stubs.install();
    await show(`${DIR}/guide.adoc`, '= Guide\n:imagesdir: img\n:animals: beasts\n\nimage::{animals}/wolf.png[A grey wolf]\n\nimage::{nowhere}/fox.png[A red fox]\n');
    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { uri: uriOf(`${DIR}/guide.adoc`), pick: false });
    assert.deepEqual(result.written.map(rel), [`${DIR}/img/beasts/wolf.png`]);
    assert.deepEqual(result.skipped, ['image::{nowhere}/fox.png[A red fox] (it names an attribute the document does not define, so its path is not known)']);
    assert.equal(fake().generationRequests.length, 1);
    assert.ok(!(await exists(uriOf(`${DIR}/{nowhere}`))) && !(await exists(uriOf(`${DIR}/img/{nowhere}`))), 'no folder named after the attribute');
  });

  it('the pick says what the images picked cost as ticks change, and a batch past the monthly budget asks once and sends nothing when refused', async () => {
    stubs.install();
    const config = vscode.workspace.getConfiguration('flux');
    await config.update('model', 'flux-kontext-max', vscode.ConfigurationTarget.Global); // $0.08 an image
    try {
      const editor = await show(`${DIR}/cost.md`, '# Costs\n\n![A gull](img/gull.png)\n\n![A fox](img/fox.png)\n\n![A boat](img/boat.png)\n');
      // The summary's Show Details opens a document of its own: the next runs are on cost.md again.
      const backToDocument = async () => {
        await waitFor('the summary and its details', () => stubs.messages.some((m) => m.details !== undefined));
        await waitFor('the details shown', () => vscode.window.activeTextEditor?.document.uri.scheme === 'flux-details');
        await vscode.window.showTextDocument(editor.document);
      };
      stubs.pick = (items) => items.filter((i) => i.label !== 'A boat');
      const first = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', editor.document.uri);
      assert.deepEqual(stubs.titles, ['Flux: Generate Missing Images: 3 images, ≈ $0.24', 'Flux: Generate Missing Images: 2 images, ≈ $0.16']);
      assert.equal(first.written.length, 2);
      assert.equal(fake().generationRequests.length, 2);
      await backToDocument();

      // This month's figure now holds those two; a budget with room for less than one more.
      const month = (await testingApi()).services.costs.spending().monthUsd;
      await config.update('monthlyBudget', Math.round((month + 0.05) * 100) / 100, vscode.ConfigurationTarget.Global);
      fake().reset();
      stubs.messages.length = 0;
      stubs.answer = () => undefined; // the person closes the question
      const refused = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { uri: editor.document.uri, pick: false });
      assert.deepEqual(refused.written, []);
      assert.equal(fake().generationRequests.length, 0, 'nothing sent');
      assert.ok(!(await exists(uriOf(`${DIR}/img/boat.png`))), 'nothing written');
      const asked = stubs.messages.filter((m) => /past your Flux budget/.test(m.text));
      assert.equal(asked.length, 1, 'asked once for the batch');
      assert.deepEqual(asked[0]!.buttons, ['Generate Anyway']);
      assert.equal(vscode.window.activeTextEditor?.document, editor.document, 'a refusal opens nothing');

      stubs.answer = (_text, buttons) => (buttons.includes('Generate Anyway') ? 'Generate Anyway' : undefined);
      const agreed = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { uri: editor.document.uri, pick: false });
      assert.deepEqual(agreed.written.map(rel), [`${DIR}/img/boat.png`]);
      assert.equal(fake().generationRequests.length, 1);
    } finally {
      await config.update('model', undefined, vscode.ConfigurationTarget.Global);
      await config.update('monthlyBudget', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a line typed above the reference while the pick is open: the reference is followed and retargeted, nothing else replaced', async () => {
    stubs.install();
    const text = '# Notes\n\n![A fox in snow](img/fox.jpg)\n';
    const editor = await show(`${DIR}/typed.md`, text);
    const before = (await testingApi()).liveAnchors();
    // The pick stays open when the person clicks into the document (ignoreFocusOut) and types.
    stubs.pick = async (items) => {
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Typed first.\n'));
      return items.filter((i) => i.picked);
    };
    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages');
    assert.deepEqual(result.written.map(rel), [`${DIR}/img/fox.png`]);
    assert.equal(editor.document.getText(), `Typed first.\n${text.replace('img/fox.jpg', 'img/fox.png')}`, 'their line, and the reference where it moved to');
    await waitFor('the summary', () => stubs.messages.length > 0);
    assert.equal(stubs.messages[0]!.level, 'info');
    assert.match(await stubs.whole(0), /now name the \.png file \(one Undo takes each back\): img\/fox\.jpg → img\/fox\.png\./);
    assert.ok((await testingApi()).liveAnchors() <= before, 'nothing stays followed after the run');
  });

  it('Retry Failed with a reference to retarget and one left unchecked: the retry retargets it, and nothing stays followed', async () => {
    stubs.install();
    const api = await testingApi();
    const before = api.liveAnchors();
    const text = '# Notes\n\n![A fox in snow](img/fox.jpg)\n\n![A hare](img/hare.jpg)\n';
    const editor = await show(`${DIR}/retarget-retry.md`, text);
    // The person unchecks the hare; the fox's first answer is not an image.
    stubs.pick = (items) => items.filter((i) => i.label === 'A fox in snow');
    fake().enqueue({ kind: 'raw', status: 200, body: 'not json' });
    let retried = false;
    stubs.answer = (_text, buttons) => {
      if (retried || !buttons.includes('Retry Failed')) return undefined;
      retried = true;
      return 'Retry Failed';
    };
    const first = await vscode.commands.executeCommand<Result>('flux.generateMissingImages');
    assert.deepEqual(first.written, []);
    assert.equal(first.failed.length, 1);
    await waitFor('the retried image', () => exists(uriOf(`${DIR}/img/fox.png`)), 20_000);
    await waitFor('the retry summary', () => stubs.messages.length > 1);
    assert.equal(editor.document.getText(), text.replace('img/fox.jpg', 'img/fox.png'), 'the fox retargeted, the hare left as it was');
    assert.ok(!(await exists(uriOf(`${DIR}/img/hare.png`))));
    await waitFor('every followed place let go', () => api.liveAnchors() <= before);
  });

  it('a file named by several references is made once, and every reference that names it otherwise is changed, in one Undo', async () => {
    stubs.install();
    const text = [
      '# Twice',
      '',
      '![A fox in snow](img/fox.jpg)',
      '',
      'Again, ![a fox](img/fox.jpg) and <img src="img/fox.jpg" alt="A fox">.',
      '',
      '![A hare](img/hare.png) and later ![A hare again](img/hare.jpg)',
      '',
      '![An owl][owl] and ![the owl again][owl]',
      '',
      '![A cat](img/cat.png) beside ![a photo of it](img/cat.jpg), which exists.',
      '',
      '[owl]: img/owl.jpg',
      '',
    ].join('\n');
    await write(`${DIR}/img/cat.jpg`, Uint8Array.from(PNG_SIGNATURE));
    const editor = await show(`${DIR}/twice.md`, text);
    const before = (await testingApi()).liveAnchors();
    const result = await vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    assert.deepEqual(result.written.map(rel).sort(), [`${DIR}/img/cat.png`, `${DIR}/img/fox.png`, `${DIR}/img/hare.png`, `${DIR}/img/owl.png`]);
    assert.equal(fake().generationRequests.length, 4, 'one request per file');
    const changed = text.replaceAll('img/fox.jpg', 'img/fox.png').replace('img/hare.jpg', 'img/hare.png').replace('[owl]: img/owl.jpg', '[owl]: img/owl.png');
    assert.equal(editor.document.getText(), changed, 'the owls\' one definition changed once; the existing cat.jpg left alone');
    await waitFor('the summary', () => stubs.messages.length > 0);
    const summary = stubs.messages[0]!;
    assert.equal(summary.level, 'info');
    assert.match(await stubs.whole(0), /\(one Undo takes each back\): img\/fox\.jpg → img\/fox\.png, img\/hare\.jpg → img\/hare\.png, img\/owl\.jpg → img\/owl\.png\./);
    assert.ok((await testingApi()).liveAnchors() <= before, 'nothing stays followed after the run');

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    // One Undo takes back one image's edit whole: the last made, with all its references.
    const foxBack = changed.replaceAll('img/fox.png', 'img/fox.jpg');
    const hareBack = changed.replace('img/hare.png)\n', 'img/hare.jpg)\n');
    const owlBack = changed.replace('[owl]: img/owl.png', '[owl]: img/owl.jpg');
    await waitFor('one image\'s references to go back together', () => [foxBack, hareBack, owlBack].includes(editor.document.getText()));
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await waitFor('every reference to go back', () => editor.document.getText() === text);
    await waitFor('the changed images\' files to go', async () => !(await exists(uriOf(`${DIR}/img/fox.png`))) && !(await exists(uriOf(`${DIR}/img/hare.png`))) && !(await exists(uriOf(`${DIR}/img/owl.png`))));
    assert.ok(await exists(uriOf(`${DIR}/img/cat.png`)), 'cat.png, which changed no reference, stays');
  });

  it('one of several references to the same x.jpg changed by the person meanwhile: the others change, and the summary names the one left', async () => {
    stubs.install();
    // Written differently, so the summary shows which one was left.
    const text = '# Fox\n\n![A fox in snow](img/fox.jpg)\n\n![The fox again](./img/fox.jpg)\n';
    const editor = await show(`${DIR}/fox-twice.md`, text);
    fake().hold();
    const running = vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    await waitFor('the request', () => fake().held === 1);
    // The person points the second reference elsewhere: "./img/fox.jpg" on line 5 becomes "./img/wolf.jpg".
    await editor.edit((e) => e.replace(new vscode.Range(4, 23, 4, 26), 'wolf'));
    fake().release();
    const result = await running;
    assert.deepEqual(result.written.map(rel), [`${DIR}/img/fox.png`]);
    assert.equal(editor.document.getText(), '# Fox\n\n![A fox in snow](img/fox.png)\n\n![The fox again](./img/wolf.jpg)\n');
    await waitFor('the summary', () => stubs.messages.length > 0);
    const summary = stubs.messages[0]!;
    assert.equal(summary.level, 'warning');
    // Exactly the one changed: a list with ./img/fox.jpg would go on after a comma.
    const whole = await stubs.whole(0);
    assert.match(whole, /now name the \.png file \(one Undo takes each back\): img\/fox\.jpg → img\/fox\.png\./);
    assert.match(whole, /change them yourself: \.\/img\/fox\.jpg → \.\/img\/fox\.png \(the document changed there meanwhile\)\./);
  });

  it('a reference the person changes while its image is made keeps their words; the summary says it was not changed', async () => {
    stubs.install();
    const text = '# Notes\n\n![A fox in snow](img/fox.jpg)\n';
    const editor = await show(`${DIR}/notes.md`, text);
    fake().hold();
    const running = vscode.commands.executeCommand<Result>('flux.generateMissingImages', { pick: false });
    await waitFor('the request', () => fake().held === 1);
    // The person points the reference elsewhere meanwhile.
    await editor.edit((e) => e.replace(new vscode.Range(2, 21, 2, 24), 'wolf'));
    fake().release();
    const result = await running;
    assert.deepEqual(result.written.map(rel), [`${DIR}/img/fox.png`]);
    assert.equal(editor.document.getText(), '# Notes\n\n![A fox in snow](img/wolf.jpg)\n', 'their words, and no .png put in');
    await waitFor('the summary', () => stubs.messages.length > 0);
    const summary = stubs.messages[0]!;
    assert.equal(summary.level, 'warning');
    const whole = await stubs.whole(0);
    assert.match(whole, /These references could not be changed to name the \.png written for them; change them yourself: img\/fox\.jpg → img\/fox\.png \(the document changed there meanwhile\)\./);
    assert.doesNotMatch(whole, /now name the \.png/);
    assert.deepEqual(summary.buttons, ['Show Details']);
  });
});

describe('Links in each document language', function () {
  const fake = fakeServiceForSuite();
  beforeEach(() => removeFolder(DIR));
  afterEach(async () => {
    await closeAllEditors();
    await removeFolder(DIR);
  });

  const PARAGRAPH = ['The lighthouse stood alone', 'on the black rocks.'];
  const cases: { name: string; file: string; language: string; head: string[]; tail: string[]; link: (alt: string, path: string) => string[] }[] = [
    { name: 'reStructuredText', file: 'doc.rst', language: 'restructuredtext', head: ['Title', '=====', ''], tail: ['', 'Next paragraph.', ''], link: (alt, p) => [`.. image:: ${p}`, `   :alt: ${alt}`] },
    { name: 'AsciiDoc', file: 'doc.adoc', language: 'asciidoc', head: ['= Title', ''], tail: ['', 'Next paragraph.', ''], link: (alt, p) => [`image::${p}[${alt}]`] },
    { name: 'HTML', file: 'doc.html', language: 'html', head: ['<h1>Title</h1>', ''], tail: ['', '<p>Next paragraph.</p>', ''], link: (alt, p) => [`<img src="${p}" alt="${alt}">`] },
    { name: 'LaTeX', file: 'doc.tex', language: 'latex', head: ['\\section{Title}', ''], tail: ['', 'Next paragraph.', ''], link: (_alt, p) => [`\\includegraphics[width=\\linewidth]{${p}}`] },
  ];

  for (const c of cases) {
    it(`Generate Image from Selection in ${c.name}: its own syntax, after the paragraph`, async () => {
      const editor = await show(`${DIR}/${c.file}`, [...c.head, ...PARAGRAPH, ...c.tail].join('\n'));
      assert.equal(editor.document.languageId, c.language);
      const line = c.head.length;
      editor.selection = new vscode.Selection(line, 0, line, PARAGRAPH[0]!.length);
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
      assert.ok(uri);
      const path = `../assets/${uri.path.split('/').pop()}`;
      assert.equal(editor.document.getText(), [...c.head, ...PARAGRAPH, '', ...c.link(PARAGRAPH[0]!, path), ...c.tail].join('\n'));
      assert.equal((fake().generationRequests[0]?.body as { prompt: string }).prompt, PARAGRAPH[0]);
    });

    it(`Generate Image at the cursor on an empty line in ${c.name}: its own syntax, exactly there`, async () => {
      // Its own file: the previous test's document of the same name may still be open (it hears of
      // a rewritten file only a moment later, and under load not within the wait).
      const editor = await show(`${DIR}/line-${c.file}`, [...c.head, ...PARAGRAPH, '', '', ...c.tail].join('\n'));
      const line = c.head.length + PARAGRAPH.length + 1;
      editor.selection = new vscode.Selection(line, 0, line, 0);
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'A gull at dawn' });
      assert.ok(uri);
      const path = `../assets/${uri.path.split('/').pop()}`;
      const before = [...c.head, ...PARAGRAPH, '', '', ...c.tail].join('\n');
      const link = c.link('A gull at dawn', path).join('\n');
      const after = editor.document.getText();
      // On the empty line, standing alone (blank lines all around: it takes that line, adds none);
      // nothing else of the text changed.
      assert.ok(after.includes(`\n\n${link}\n\n`), after);
      assert.equal(after.replace(link, ''), before);
    });
  }
});
