// `flux_generate_image`: the language model tool that Copilot's agent mode (and any chat client
// that runs tools) calls to make an image. It is one more thin caller of the one pipeline; what
// it adds is reading a model's input carefully and answering in words, failures included.
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { FluxError, asFluxError, nextSteps } from '../core/errors';
import type { ImageRequest, InputImage } from '../core/providers/types';
import type { CostItem } from '../core/prices';
import { normalizeModel, normalizePrompt, normalizeSeed, normalizeSizeFor } from '../core/params';
import { checkDestinationName, readToolInput, resolveInWorkspace } from '../core/toolInput';
import type { ImageToolInput } from '../core/toolInput';
import type { FluxConfig } from '../services/config';
import { readConfig } from '../services/config';
import { takesImageLinks } from '../services/constants';
import { readEditInputFile } from '../services/editInputFile';
import { jobCost, linkText, requestToSend } from '../services/generationService';
import type { GenerationJob, JobRequest } from '../services/generationService';
import type { ResolvedStyle } from '../services/styles';
import { displayPath, statOrUndefined, workspaceLinkPath } from '../services/imageStore';
import { providerName } from '../services/keys';
import { costItem } from '../services/costs';
import { caughtError, localizedMessage } from '../ui/notifications';

export class ImageTool implements vscode.LanguageModelTool<ImageToolInput> {
  constructor(private readonly services: Services) {}

  /**
   * The confirmation names the prompt, the provider and model, where the file goes and what it
   * costs, of the request as it will be sent (a house style's model and size); outside words stay text.
   */
  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ImageToolInput>): Promise<vscode.PreparedToolInvocation> {
    const input = options.input as Partial<ImageToolInput> | undefined;
    const prompt = typeof input?.prompt === 'string' ? input.prompt.trim() : '';
    const { folder, document } = placeOfWork();
    const config = readConfig(document?.uri ?? folder?.uri);
    const planned = await this.planned(options.input, folder, document, config);
    const where =
      typeof input?.path === 'string' && input.path.trim()
        ? input.path.trim()
        : vscode.l10n.t('the output folder ({0})', config.outputFolder);
    const editing = typeof input?.image === 'string' && input.image.trim() ? input.image.trim() : undefined;
    const message = new vscode.MarkdownString();
    const line = (label: string, value: string) => {
      message.appendMarkdown(`**${label}** `);
      message.appendText(value.replace(/\s+/g, ' '));
      message.appendMarkdown('  \n');
    };
    line(vscode.l10n.t('Prompt:'), prompt.length > 300 ? `${prompt.slice(0, 300)}…` : prompt);
    if (editing) line(vscode.l10n.t('Image to edit:'), editing);
    line(vscode.l10n.t('Provider:'), `${providerName(config.provider)} (${planned.model})`);
    line(vscode.l10n.t('Saved to:'), where);
    line(vscode.l10n.t('Cost:'), this.services.costs.estimate([planned.cost], document?.uri ?? folder?.uri).text);
    return {
      invocationMessage: editing ? vscode.l10n.t('Editing an image with Flux') : vscode.l10n.t('Generating an image with Flux'),
      confirmationMessages: {
        title: editing ? vscode.l10n.t('Edit an image with Flux?') : vscode.l10n.t('Generate an image with Flux?'),
        message,
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ImageToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const controller = new AbortController();
    const onCancel = token.onCancellationRequested(() => controller.abort());
    if (token.isCancellationRequested) controller.abort();
    try {
      return answer(await this.run(options.input, controller.signal));
    } catch (err) {
      return answer(failureText(caughtError(err, this.services.log, 'Chat tool')));
    } finally {
      onCancel.dispose();
    }
  }

  /**
   * What the confirmation shows of the input: the model and the cost of the request as the
   * pipeline will send it, with the style it would be made in now. Input the run will refuse is
   * priced as it reads (the run says what is wrong).
   */
  private async planned(raw: unknown, folder: vscode.WorkspaceFolder | undefined, document: vscode.TextDocument | undefined, config: FluxConfig): Promise<{ model: string; cost: CostItem }> {
    const asRead = () => {
      const input = raw as Partial<ImageToolInput> | undefined;
      const model = typeof input?.model === 'string' && input.model.trim() ? input.model.trim() : config.model;
      const size = typeof input?.size === 'string' && input.size.trim() ? input.size.trim() : config.size;
      const editing = typeof input?.image === 'string' && input.image.trim() ? input.image.trim() : undefined;
      return { model, cost: costItem({ model, size, image: editing }, 1, config.megapixels) };
    };
    if (!folder) return asRead();
    try {
      const input = readToolInput(raw);
      const job: JobRequest = { request: toolRequest(input, config), references: toolReferences(input, folder) };
      const style = await this.styleOf(input, document ?? folder.uri);
      const styled = style ? { ...job, style } : job;
      const cost = jobCost(styled, config);
      // The image to edit is read only when the tool runs: counted here as one more input.
      return { model: requestToSend(styled, config).model, cost: input.image !== undefined ? { ...cost, inputs: [undefined, ...(cost.inputs ?? [])] } : cost };
    } catch {
      return asRead();
    }
  }

  /** The active document's house style (or the one asked for), as it is now; an edit's instruction takes one only when asked for by name. */
  private async styleOf(input: ImageToolInput, subject: vscode.TextDocument | vscode.Uri): Promise<ResolvedStyle | undefined> {
    return input.image !== undefined && input.style === undefined ? undefined : this.services.styles.resolve(subject, input.style);
  }

  private async run(raw: unknown, signal: AbortSignal): Promise<string> {
    const input = readToolInput(raw);
    const { folder, document } = placeOfWork();
    if (!folder) throw new FluxError('invalidInput', vscode.l10n.t('No folder is open, so there is nowhere to save the image. Open a folder, then try again.'));
    const config = readConfig(document?.uri ?? folder.uri);
    const editing = input.image !== undefined;
    const request = toolRequest(input, config);
    const references = toolReferences(input, folder);
    let target: vscode.Uri | undefined;
    if (input.path !== undefined) {
      const path = resolveInWorkspace(folder.uri.path, input.path, 'destination');
      checkDestinationName(path);
      target = folder.uri.with({ path });
      if (await statOrUndefined(target)) {
        throw new FluxError('invalidInput', vscode.l10n.t('{0} exists already; it is never written over. Choose another path.', displayPath(target)));
      }
    }
    const source = input.image !== undefined ? await readInputImage(folder, input.image) : undefined;
    const style = await this.styleOf(input, document ?? folder.uri);
    const job: GenerationJob = {
      request: { ...request, ...(source ? { image: source.image } : {}) },
      scope: document?.uri ?? folder.uri,
      signal,
      ...(target ? { target } : {}),
      ...(source ? { source: source.recipe } : {}),
      ...(references.length ? { references } : {}),
      ...(style ? { style } : {}),
    };
    const { uri, record } = await this.services.generation.run(job);
    const where = displayPath(uri);
    const alt = request.prompt;
    const link = document ? await linkText(document, alt, uri) : await markdownLink(alt, uri);
    const lines = [
      editing ? vscode.l10n.t('Edited {0} into a new image: {1}', input.image!, where) : vscode.l10n.t('Generated the image: {0}', where),
      document
        ? vscode.l10n.t('Link from {0} ({1}): {2}', displayPath(document.uri), document.languageId, link)
        : vscode.l10n.t('Markdown link from the workspace folder: {0}', link),
      record.seed !== undefined ? vscode.l10n.t('Seed: {0} (give it again to make the same image).', record.seed) : vscode.l10n.t('Seed: not reported by the service.'),
      vscode.l10n.t('Model: {0}, size: {1}. The prompt and settings are stored in the PNG.', record.model, record.size || vscode.l10n.t('as the input')),
    ];
    return lines.join('\n');
  }
}

/** The request the input asks for, before any style: its words, model, size and seed checked. */
function toolRequest(input: ImageToolInput, config: FluxConfig): ImageRequest {
  const model = normalizeModel(input.model ?? config.model);
  return {
    prompt: normalizePrompt(input.prompt),
    model,
    // An edit without a size keeps the input's aspect ratio.
    size: input.size !== undefined ? normalizeSizeFor(input.size, model) : input.image !== undefined ? undefined : normalizeSizeFor(config.size, model),
    seed: normalizeSeed(input.seed ?? config.seed),
  };
}

/** The input's reference images: inside the workspace, or refused before anything is read or sent. */
function toolReferences(input: ImageToolInput, folder: vscode.WorkspaceFolder): vscode.Uri[] {
  return (input.references ?? []).map((r) => folder.uri.with({ path: resolveInWorkspace(folder.uri.path, r, 'image') }));
}

/** The active document (when it takes image links) and the workspace folder that work happens in. */
function placeOfWork(): { folder: vscode.WorkspaceFolder | undefined; document: vscode.TextDocument | undefined } {
  const editor = vscode.window.activeTextEditor;
  const document = editor && takesImageLinks(editor.document) ? editor.document : undefined;
  const folder = (document && vscode.workspace.getWorkspaceFolder(document.uri)) ?? vscode.workspace.workspaceFolders?.[0];
  return { folder, document };
}

async function readInputImage(folder: vscode.WorkspaceFolder, relative: string): Promise<{ image: InputImage; recipe: { path: string; sha256: string } }> {
  const uri = folder.uri.with({ path: resolveInWorkspace(folder.uri.path, relative, 'image') });
  const input = await readEditInputFile(uri, displayPath(uri));
  if (!input) {
    throw new FluxError('invalidInput', vscode.l10n.t('There is no image at {0}. Give the workspace-relative path of a PNG, JPEG or WebP file.', relative));
  }
  return { image: input.image, recipe: { path: workspaceLinkPath(uri), sha256: input.sha256 } };
}

async function markdownLink(alt: string, uri: vscode.Uri): Promise<string> {
  const { imageLink } = await import('../core/documents');
  return imageLink('markdown', alt, workspaceLinkPath(uri));
}

/** What went wrong and what to do next, as the tool's answer (a failure is never thrown at the chat). */
function failureText(err: unknown): string {
  const e = asFluxError(err);
  if (e.kind === 'cancelled') return vscode.l10n.t('Cancelled. Nothing was saved.');
  if (e.kind === 'noKey') return vscode.l10n.t('No image was made: no API key was given. Run “Flux: Set API Key” (command flux.setApiKey), then try again.');
  const steps = nextSteps(e.kind);
  const next = steps.setApiKey
    ? vscode.l10n.t('Next step: run “Flux: Set API Key” (command flux.setApiKey) with a valid key, then try again.')
    : e.kind === 'invalidInput'
      ? vscode.l10n.t('Next step: correct the input and call the tool again.')
      : e.kind === 'moderation'
        ? vscode.l10n.t('Next step: rephrase the prompt and try again.')
        : steps.topUp
          ? vscode.l10n.t('Next step: top up the account on the provider’s site, then try again.')
          : steps.retry
            ? vscode.l10n.t('Next step: try again in a moment; if it keeps failing, run “Flux: Show Log”.')
            : vscode.l10n.t('Next step: run “Flux: Show Log” for details.');
  return `${vscode.l10n.t('No image was made.')} ${localizedMessage(e)}\n${next}`;
}

function answer(message: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(message)]);
}
