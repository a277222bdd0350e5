/**
 * What the hover on an image reference says, written into a MarkdownString-like sink. Pure (no
 * `vscode`), so what goes where can be tested in Node: every piece of text from the file (the
 * recipe) goes through `appendText`, which VS Code escapes; `appendMarkdown` only ever gets our
 * own labels (escaped here too), the image preview and the three command links.
 * Order: the words and the actions first, the thumbnail last, so a writer reads the recipe and
 * reaches Regenerate · Edit… · Open in Studio without scrolling inside the hover.
 */
import type { Recipe } from './recipe';
import { sizeLabel } from './sizeText';

/** The commands a hover may link to; the host trusts exactly these (`isTrusted.enabledCommands`). */
export const HOVER_COMMANDS: readonly string[] = ['flux.regenerateImage', 'flux.editImage', 'flux.openStudio'];

/** The widest the preview is drawn, in CSS pixels: a thumbnail under the words, so they need no scrolling. */
export const HOVER_IMAGE_WIDTH = 120;
/** A long prompt is cut here in the hover; Show Image Recipe shows it whole. */
export const HOVER_PROMPT_LENGTH = 600;

/** The part of `vscode.MarkdownString` the builder uses. */
export interface MarkdownSink {
  appendMarkdown(value: string): unknown;
  appendText(value: string): unknown;
}

export interface HoverLabels {
  readonly prompt: string;
  readonly model: string;
  readonly size: string;
  readonly seed: string;
  readonly regenerate: string;
  readonly edit: string;
  readonly studio: string;
  readonly noRecipe: string;
  /** "AI-generated": the file's XMP packet (or the history, for a signed file) says a model made it. */
  readonly aiGenerated: string;
  /** "Content Credentials from the service": the file carries C2PA. */
  readonly contentCredentials: string;
  /** "References": the images sent with the prompt, listed by their workspace paths. Optional for older callers. */
  readonly references?: string;
}

export interface RecipeHoverInput {
  /** The image file's URI as `Uri.toString()` gives it (percent-encoded); no preview when it is not a plain URI. */
  readonly imageSrc?: string;
  /** The argument the command links pass for the image (a Uri: JSON that VS Code revives). */
  readonly imageArg: unknown;
  readonly recipe?: Recipe;
  readonly aiGenerated?: boolean;
  readonly contentCredentials?: boolean;
  readonly labels: HoverLabels;
}

// Characters Markdown could read as syntax in our own labels (translations are ours, but cheap to be sure).
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~&"']/g;

/** Our own label as Markdown text: every special character backslash-escaped, on one line. */
export function escapeLabel(label: string): string {
  return label.replace(/\s+/g, ' ').replace(MARKDOWN_SPECIAL, '\\$&');
}

/** `[label](command:id?args)`, args as encodeURIComponent(JSON) (what VS Code decodes). Only HOVER_COMMANDS. */
export function commandLink(label: string, command: string, args?: unknown): string {
  if (!HOVER_COMMANDS.includes(command)) throw new RangeError(`not a hover command: ${command}`);
  const query = args === undefined ? '' : `?${encodeURIComponent(JSON.stringify(args))}`;
  return `[${escapeLabel(label)}](command:${command}${query})`;
}

// A URI as Uri.toString() writes it: a scheme, then only characters that cannot end or break
// a Markdown link destination (no spaces, parentheses, brackets, quotes, backslashes or `|`).
const PLAIN_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~!$&*+,;=:@/%]*$/;

/** `![](src|width=W)`, VS Code's way to size a hover image without HTML; undefined for an unusual src. */
export function imagePreview(src: string, width = HOVER_IMAGE_WIDTH): string | undefined {
  return PLAIN_URI.test(src) && src.length <= 4096 ? `![](${src}|width=${Math.round(width)})` : undefined;
}

/** Writes the hover: the recipe as text, the command links, then the thumbnail. */
export function writeRecipeHover(sink: MarkdownSink, input: RecipeHoverInput): void {
  const { labels, recipe } = input;
  const preview = input.imageSrc ? imagePreview(input.imageSrc) : undefined;
  const image = { image: input.imageArg };
  const marks = [input.aiGenerated ? labels.aiGenerated : undefined, input.contentCredentials ? labels.contentCredentials : undefined].filter((m) => m !== undefined);
  if (marks.length) sink.appendMarkdown(`${marks.map((m) => `*${escapeLabel(m)}*`).join(' · ')}\n\n`);
  if (!recipe) {
    sink.appendText(labels.noRecipe);
    sink.appendMarkdown(`\n\n${commandLink(labels.edit, 'flux.editImage', image)}`);
  } else {
    const field = (label: string, value: string, last = false) => {
      sink.appendMarkdown(`**${escapeLabel(label)}:** `);
      sink.appendText(value);
      sink.appendMarkdown(last ? '\n\n' : ' · ');
    };
    const prompt = recipe.prompt.length > HOVER_PROMPT_LENGTH ? `${recipe.prompt.slice(0, HOVER_PROMPT_LENGTH)}…` : recipe.prompt;
    sink.appendMarkdown(`**${escapeLabel(labels.prompt)}:** `);
    sink.appendText(prompt);
    sink.appendMarkdown('\n\n');
    field(labels.model, recipe.model);
    field(labels.size, sizeLabel(recipe.size), recipe.seed === null);
    if (recipe.seed !== null) field(labels.seed, String(recipe.seed), true);
    // The references by path, as text: a path from the file is never a link or markup.
    if (recipe.references?.length) {
      sink.appendMarkdown(`**${escapeLabel(labels.references ?? 'References')}:** `);
      sink.appendText(recipe.references.map((r, i) => `${i + 1}. ${r.path}`).join(' · '));
      sink.appendMarkdown('\n\n');
    }
    sink.appendMarkdown(
      [commandLink(labels.regenerate, 'flux.regenerateImage', image), commandLink(labels.edit, 'flux.editImage', image), commandLink(labels.studio, 'flux.openStudio')].join(' · '),
    );
  }
  if (preview) sink.appendMarkdown(`\n\n${preview}`);
}
