import type MarkdownIt from 'markdown-it';
import type { StateBlock, StateInline, Token } from 'markdown-it';
import { markdownIt } from '../markdownIt';
import { scanImgTags } from './html';
import type { ImageReference } from './types';
import { oneLine, urlToPath } from './text';

/** Where markdown-it's rules found things, in the coordinates of the `src` they were parsing. */
interface DestinationSpan {
  readonly start: number;
  readonly end: number;
  /** Unescaped destination (backslash escapes and entities resolved), before URL encoding. */
  readonly str: string;
}

interface Definition {
  readonly pathStart: number;
  readonly pathEnd: number;
  readonly angle: boolean;
  readonly path: string;
  readonly title: string;
}

interface ImageMeta {
  readonly start: number;
  readonly end: number;
  readonly inline?: DestinationSpan & { readonly angle: boolean };
  /** Normalized label of a reference-style image. */
  readonly label?: string;
}

interface HtmlMeta {
  readonly start: number;
  readonly end: number;
}

/** Collected while one document is parsed; markdown-it passes `env` to every rule. */
interface Env {
  references?: Record<string, unknown>;
  fluxDestinations?: DestinationSpan[];
  fluxDefinitions?: Map<string, Definition>;
}

type RuleFn = (...args: never[]) => boolean;

/** A rule's function by name (markdown-it keeps them in `__rules__`, which its types do not show). */
function ruleFn<F extends RuleFn>(ruler: object, name: string): F {
  const rules = (ruler as { __rules__: { name: string; fn: F }[] }).__rules__;
  return rules.find((r) => r.name === name)!.fn;
}

/**
 * A markdown-it parser (the one VS Code's Markdown preview uses, with HTML on) whose image,
 * inline HTML and reference-definition rules also record source offsets. markdown-it gives
 * blocks line maps but inline tokens no positions, so the rules are wrapped: each wrapper
 * notes `state.pos` before and after the original rule and which destination it parsed.
 */
function createParser(): MarkdownIt {
  const md = new (markdownIt())({ html: true });
  const helpers = md.helpers as { -readonly [K in keyof typeof md.helpers]: (typeof md.helpers)[K] };
  const parseLinkDestination = helpers.parseLinkDestination;
  // One parser serves every call, so the spans go into the `env` of the parse in progress.
  let current: Env | undefined;
  helpers.parseLinkDestination = (str, start, max) => {
    const res = parseLinkDestination(str, start, max);
    if (res.ok && current) (current.fluxDestinations ??= []).push({ start, end: res.pos, str: res.str });
    return res;
  };

  const image = ruleFn<(state: StateInline, silent: boolean) => boolean>(md.inline.ruler, 'image');
  md.inline.ruler.at('image', (state: StateInline, silent: boolean) => {
    const env = state.env as Env;
    const start = state.pos;
    const before = env.fluxDestinations?.length ?? 0;
    current = env;
    const ok = image(state, silent);
    if (!ok || silent) return ok;
    const token = state.tokens[state.tokens.length - 1]!;
    const labelEnd = state.md.helpers.parseLinkLabel(state, start + 1, false);
    const end = state.pos;
    let meta: ImageMeta;
    if (state.src.charCodeAt(labelEnd + 1) === 0x28 /* ( */) {
      // The image's own destination is the first one parsed after its label: markdown-it parses the
      // label's own content (which may hold a link with its own destination) only afterwards.
      const spans = env.fluxDestinations?.slice(before) ?? [];
      const dest = spans.find((s) => s.start > labelEnd);
      meta = dest ? { start, end, inline: { ...dest, angle: state.src.charCodeAt(dest.start) === 0x3c /* < */ } } : { start, end };
    } else {
      let label = '';
      if (state.src.charCodeAt(labelEnd + 1) === 0x5b /* [ */ && end > labelEnd + 2) label = state.src.slice(labelEnd + 2, end - 1);
      if (!label) label = state.src.slice(start + 2, labelEnd);
      meta = { start, end, label: state.md.utils.normalizeReference(label) };
    }
    token.meta = { ...(token.meta as object | null), fluxImage: meta };
    return ok;
  });

  const htmlInline = ruleFn<(state: StateInline, silent: boolean) => boolean>(md.inline.ruler, 'html_inline');
  md.inline.ruler.at('html_inline', (state: StateInline, silent: boolean) => {
    const start = state.pos;
    const ok = htmlInline(state, silent);
    if (ok && !silent) {
      const token = state.tokens[state.tokens.length - 1]!;
      token.meta = { ...(token.meta as object | null), fluxHtml: { start, end: state.pos } satisfies HtmlMeta };
    }
    return ok;
  });

  const reference = ruleFn<(state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean>(md.block.ruler, 'reference');
  md.block.ruler.at(
    'reference',
    (state: StateBlock, startLine: number, endLine: number, silent: boolean) => {
      const env = state.env as Env;
      const known = new Set(Object.keys(env.references ?? {}));
      const before = env.fluxDestinations?.length ?? 0;
      current = env;
      const ok = reference(state, startLine, endLine, silent);
      if (!ok || silent) return ok;
      // the first definition of a label wins, as in markdown-it
      const label = Object.keys(env.references ?? {}).find((k) => !known.has(k));
      const spans = env.fluxDestinations?.slice(before) ?? [];
      const dest = spans[spans.length - 1];
      if (label !== undefined && dest) {
        const ref = env.references![label] as { title?: string };
        const angle = state.src.charCodeAt(dest.start) === 0x3c;
        (env.fluxDefinitions ??= new Map()).set(label, {
          pathStart: angle ? dest.start + 1 : dest.start,
          pathEnd: angle ? dest.end - 1 : dest.end,
          angle,
          path: urlToPath(dest.str),
          title: ref.title ?? '',
        });
      }
      return ok;
    },
  );
  return md;
}

let parser: MarkdownIt | undefined;

/** markdown-it works on text with `\n` line breaks and no NUL: the offsets back into the original. */
function normalize(text: string): { src: string; toOriginal: (offset: number) => number } {
  if (!/[\r\0]/.test(text)) return { src: text, toOriginal: (o) => o };
  const src = text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  const map = new Int32Array(src.length + 1);
  let o = 0;
  for (let n = 0; n < src.length; n++) {
    map[n] = o;
    o += text[o] === '\r' && text[o + 1] === '\n' ? 2 : 1;
  }
  map[src.length] = text.length;
  return { src, toOriginal: (offset) => map[offset]! };
}

/**
 * Maps offsets in an inline token's `content` (the block's lines, stripped of container
 * markers and indentation, trimmed) to offsets in the source. Each content line is found in
 * its source line, as the line's suffix where it is one (paragraphs) or else at its first
 * occurrence after what earlier tokens on that line used (headings, table cells).
 */
class ContentMap {
  private readonly pieces: { contentStart: number; srcStart: number; length: number }[] = [];

  constructor(content: string, src: string, lineStarts: readonly number[], map: readonly [number, number], used: Map<number, number>) {
    let line = map[0];
    let offset = 0;
    for (const contentLine of content.split('\n')) {
      const lead = contentLine.length - contentLine.trimStart().length;
      const needle = contentLine.trim();
      for (; needle && line < map[1]; line++) {
        const lineStart = lineStarts[line]!;
        const lineText = src.slice(lineStart, lineStarts[line + 1] === undefined ? src.length : lineStarts[line + 1]! - 1);
        const from = used.get(line) ?? 0;
        const trimmed = lineText.trimEnd();
        let at = trimmed.endsWith(needle) && trimmed.length - needle.length >= from ? trimmed.length - needle.length : -1;
        if (at < 0) at = lineText.indexOf(needle, from);
        if (at < 0) continue;
        this.pieces.push({ contentStart: offset + lead, srcStart: lineStart + at, length: needle.length });
        used.set(line, at + needle.length);
        line++;
        break;
      }
      offset += contentLine.length + 1;
    }
  }

  /** The source offset of a content offset, or -1 when that part of the content was not found. */
  toSource(offset: number, isEnd = false): number {
    for (const p of this.pieces) {
      if (offset >= p.contentStart && (offset < p.contentStart + p.length || (isEnd && offset === p.contentStart + p.length))) {
        return p.srcStart + offset - p.contentStart;
      }
    }
    return -1;
  }
}

function lineStartsOf(src: string): number[] {
  const starts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Image references of a Markdown document: inline and reference-style images, `<img>` in HTML. */
export function readMarkdownImages(text: string): ImageReference[] {
  parser ??= createParser();
  const { src, toOriginal } = normalize(text);
  const env: Env = {};
  const tokens = parser.parse(src, env);
  const lineStarts = lineStartsOf(src);
  const used = new Map<number, number>();
  const refs: ImageReference[] = [];
  // Offsets are checked against the text they claim to cover: a reference is reported exactly or not at all.
  const push = (ref: ImageReference, expected: string) => {
    if (src.slice(ref.start, ref.end).replace(/\s+/g, ' ') !== expected.replace(/\s+/g, ' ')) return;
    refs.push({ ...ref, start: toOriginal(ref.start), end: toOriginal(ref.end), pathStart: toOriginal(ref.pathStart), pathEnd: toOriginal(ref.pathEnd) });
  };
  let lastMap: [number, number] | undefined;
  for (const token of tokens) {
    if (token.map) lastMap = token.map;
    if (token.type === 'html_block' && token.map) {
      const cmap = new ContentMap(token.content, src, lineStarts, token.map, used);
      for (const r of scanImgTags(token.content)) {
        const start = cmap.toSource(r.start);
        const end = cmap.toSource(r.end, true);
        const pathStart = cmap.toSource(r.pathStart, r.pathStart === r.pathEnd);
        const pathEnd = cmap.toSource(r.pathEnd, true);
        if ([start, end, pathStart, pathEnd].includes(-1)) continue;
        // an <img> spread over lines: its whole text must still match line by line
        if (src.slice(pathStart, pathEnd) !== token.content.slice(r.pathStart, r.pathEnd)) continue;
        if (src.slice(start, end).replace(/\s+/g, ' ') !== token.content.slice(r.start, r.end).replace(/\s+/g, ' ')) continue;
        push({ ...r, start, end, pathStart, pathEnd }, src.slice(start, end));
      }
    }
    if (token.type !== 'inline' || !token.children || !lastMap) continue;
    const content = token.content;
    const cmap = new ContentMap(content, src, lineStarts, lastMap, used);
    for (const child of token.children) readInlineChild(child, content, cmap, src, env, push);
  }
  return refs.sort((a, b) => a.start - b.start);
}

/**
 * An image's alt text: its label without markup. Like markdown-it's `renderInlineAsText`, but
 * keeping backslash-escaped characters (`text_special`) and code spans, which that drops.
 */
function plainText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'text_special' || token.type === 'code_inline' || token.type === 'html_inline') out += token.content;
    else if (token.type === 'image') out += plainText(token.children ?? []);
    else if (token.type === 'softbreak' || token.type === 'hardbreak') out += ' ';
  }
  return out;
}

function readInlineChild(
  child: Token,
  content: string,
  cmap: ContentMap,
  src: string,
  env: Env,
  push: (ref: ImageReference, expected: string) => void,
): void {
  const meta = child.meta as { fluxImage?: ImageMeta; fluxHtml?: HtmlMeta } | null;
  if (child.type === 'image' && meta?.fluxImage) {
    const m = meta.fluxImage;
    const start = cmap.toSource(m.start);
    const end = cmap.toSource(m.end, true);
    if (start < 0 || end < 0) return;
    const alt = oneLine(plainText(child.children ?? []));
    const title = child.attrGet('title');
    if (m.inline) {
      const d = m.inline;
      const pathStart = cmap.toSource(d.angle ? d.start + 1 : d.start);
      const pathEnd = cmap.toSource(d.angle ? d.end - 1 : d.end, true);
      const path = urlToPath(d.str);
      if (pathStart < 0 || pathEnd < 0 || !path) return;
      if (src.slice(pathStart, pathEnd) !== content.slice(d.angle ? d.start + 1 : d.start, d.angle ? d.end - 1 : d.end)) return;
      push({ start, end, pathStart, pathEnd, delimiter: d.angle ? '<>' : '', path, alt, ...(title ? { title } : {}), kind: 'inline' }, content.slice(m.start, m.end));
    } else if (m.label !== undefined) {
      const def = env.fluxDefinitions?.get(m.label);
      if (!def || !def.path) return;
      push(
        { start, end, pathStart: def.pathStart, pathEnd: def.pathEnd, delimiter: def.angle ? '<>' : '', path: def.path, alt, ...(def.title ? { title: def.title } : {}), kind: 'reference' },
        content.slice(m.start, m.end),
      );
    }
    return;
  }
  if (child.type === 'html_inline' && meta?.fluxHtml) {
    const m = meta.fluxHtml;
    for (const r of scanImgTags(content, m.start, m.end)) {
      const start = cmap.toSource(r.start);
      const end = cmap.toSource(r.end, true);
      const pathStart = cmap.toSource(r.pathStart, r.pathStart === r.pathEnd);
      const pathEnd = cmap.toSource(r.pathEnd, true);
      if ([start, end, pathStart, pathEnd].includes(-1)) continue;
      if (src.slice(pathStart, pathEnd) !== content.slice(r.pathStart, r.pathEnd)) continue;
      if (src.slice(start, end).replace(/\s+/g, ' ') !== content.slice(r.start, r.end).replace(/\s+/g, ' ')) continue;
      push({ ...r, start, end, pathStart, pathEnd }, src.slice(start, end));
    }
  }
}
