import * as vscode from 'vscode';
import type { DocumentLanguage, ImageReference } from '../core/documents/types';
import { documentLanguage } from '../core/documents/types';
import { IMAGE_FILE_NAME } from '../core/imageType';
import { takesImageLinks } from '../services/constants';
import { isInside, isInWorkspace } from '../services/imageStore';

export interface ReferenceAt {
  readonly document: vscode.TextDocument;
  readonly language: DocumentLanguage;
  readonly ref: ImageReference;
  /** The path as written in the text `ref` was read from, and that text's version (its offsets may be stale by the time they are used). */
  readonly written: string;
  readonly version: number;
  /** The local image file it names; undefined for a URL, a missing extension, or a path outside the workspace. */
  readonly uri: vscode.Uri | undefined;
}

/**
 * The image references of open documents, parsed once per document version: a hover, the
 * lightbulb and a command on the same text share one parse.
 */
export class ReferenceIndex {
  private readonly cache = new WeakMap<vscode.TextDocument, { version: number; text: string; refs: readonly ImageReference[] }>();

  /** The references, with the text they were read from. */
  async references(document: vscode.TextDocument): Promise<{ language: DocumentLanguage; version: number; text: string; refs: readonly ImageReference[] } | undefined> {
    const language = documentLanguage(document.languageId);
    if (!language || !takesImageLinks(document)) return undefined;
    const hit = this.cache.get(document);
    if (hit && hit.version === document.version) return { language, ...hit };
    // Loaded on first use: the parsers cost nothing until a reference is asked about.
    const { readImageReferences } = await import('../core/documents');
    const text = document.getText();
    const refs = readImageReferences(text, language);
    const entry = { version: document.version, text, refs };
    this.cache.set(document, entry);
    return { language, ...entry };
  }

  /** The reference under `position` (either end included), with the file it names. */
  async at(document: vscode.TextDocument, position: vscode.Position): Promise<ReferenceAt | undefined> {
    const found = await this.references(document);
    if (!found) return undefined;
    const { referenceAt } = await import('../core/documents');
    const ref = referenceAt(found.refs, document.offsetAt(position));
    return ref ? { document, language: found.language, ref, written: found.text.slice(ref.pathStart, ref.pathEnd), version: found.version, uri: referenceUri(document, ref) } : undefined;
  }

  /** The reference in `document` that names `image`: the one under `position` if it does, else the first. */
  async naming(document: vscode.TextDocument, image: vscode.Uri, position?: vscode.Position): Promise<ReferenceAt | undefined> {
    if (position) {
      const here = await this.at(document, position);
      if (here?.uri && sameFile(here.uri, image)) return here;
    }
    const found = await this.references(document);
    if (!found) return undefined;
    for (const ref of found.refs) {
      const uri = referenceUri(document, ref);
      if (uri && sameFile(uri, image)) return { document, language: found.language, ref, written: found.text.slice(ref.pathStart, ref.pathEnd), version: found.version, uri };
    }
    return undefined;
  }
}

/**
 * The file a reference names: a relative path from the document's folder (an untitled
 * document's from the first workspace folder), `/path` from the document's workspace folder.
 * Only local image files inside the workspace or beside the document; never a URL (a hover
 * must not fetch anything from the network).
 */
export function referenceUri(document: vscode.TextDocument, ref: ImageReference): vscode.Uri | undefined {
  const path = ref.path;
  if (!path || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) || path.startsWith('//') || !IMAGE_FILE_NAME.test(path)) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? (document.isUntitled ? vscode.workspace.workspaceFolders?.[0] : undefined);
  let base: vscode.Uri | undefined;
  if (path.startsWith('/')) base = folder?.uri;
  else base = document.isUntitled ? folder?.uri : vscode.Uri.joinPath(document.uri, '..');
  if (!base) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  if (!segments.length) return undefined;
  const uri = vscode.Uri.joinPath(base, ...segments);
  const documentFolder = document.isUntitled ? undefined : vscode.Uri.joinPath(document.uri, '..');
  return isInWorkspace(uri) || (documentFolder && isInside(uri, documentFolder)) ? uri : undefined;
}

export function sameFile(a: vscode.Uri, b: vscode.Uri): boolean {
  return a.scheme === b.scheme && a.authority === b.authority && a.path === b.path;
}

/**
 * An image given to a command: a Uri, a Uri as JSON (command links in hovers), or a path
 * relative to the workspace (`folder name/path` in a multi-root workspace). Undefined when it
 * is none of these.
 */
export function imageArgument(image: unknown): vscode.Uri | undefined {
  if (image instanceof vscode.Uri) return image;
  if (image && typeof image === 'object') {
    const o = image as { scheme?: unknown; path?: unknown; authority?: unknown };
    if (typeof o.scheme === 'string' && typeof o.path === 'string') {
      try {
        return vscode.Uri.from({ scheme: o.scheme, path: o.path, authority: typeof o.authority === 'string' ? o.authority : '' });
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  if (typeof image !== 'string' || !image.trim()) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const segments = image.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (!segments.length || segments.includes('..')) return undefined;
  if (folders.length > 1) {
    const named = folders.find((f) => f.name === segments[0]);
    if (named && segments.length > 1) return vscode.Uri.joinPath(named.uri, ...segments.slice(1));
  }
  return folders[0] ? vscode.Uri.joinPath(folders[0].uri, ...segments) : undefined;
}
