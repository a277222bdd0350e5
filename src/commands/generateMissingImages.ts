import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { DOCUMENT_GLOB, languageOfPath } from '../core/missingImages';
import type { readImageReferences as ReadImageReferences } from '../core/documents';
import type { DocumentScan } from '../services/missingImages';
import { disposeScans, languageOf, scanDocument } from '../services/missingImages';
import type { PlaceTracker } from '../services/places';
import type { MissingImagesResult } from '../ui/missingImages';
import { generateMissingImages } from '../ui/missingImages';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/** More documents than this in one workspace are not read in one go. */
const MAX_DOCUMENTS = 5000;

interface MissingArgs {
  readonly uri?: vscode.Uri;
  readonly pick: boolean;
}

/** `{ uri?: Uri, pick?: false }`, or the Uri an Explorer or editor-title menu passes. */
function readArgs(arg: unknown): MissingArgs {
  if (arg instanceof vscode.Uri) return { uri: arg, pick: true };
  const a = (arg && typeof arg === 'object' ? arg : {}) as { uri?: unknown; pick?: unknown };
  return { ...(a.uri instanceof vscode.Uri ? { uri: a.uri } : {}), pick: a.pick !== false };
}

const empty = (): MissingImagesResult => ({ written: [], failed: [], skipped: [] });

/** Flux: Generate Missing Images — the active document's references to files that do not exist. */
export function registerGenerateMissingImages(services: Services): vscode.Disposable[] {
  return [
    registerFluxCommand(COMMANDS.generateMissingImages, services.log, { failed: empty }, async (arg?: unknown): Promise<MissingImagesResult> => {
      const args = readArgs(arg);
      const document = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
      const language = document && languageOf(document);
      if (!document || !language) {
        throw new FluxError('invalidInput', vscode.l10n.t('Open a Markdown, HTML, reStructuredText, AsciiDoc or LaTeX document, then run “Flux: Generate Missing Images” again.'));
      }
      if (document.uri.scheme === 'untitled') {
        throw new FluxError('invalidInput', vscode.l10n.t('Save the document first: its image paths are relative to its folder.'));
      }
      return await generateMissingImages(services, [await scanDocument(document, language, services.places)], { pick: args.pick, workspace: false });
    }),
    registerFluxCommand(COMMANDS.generateMissingImagesInWorkspace, services.log, { failed: empty }, async (arg?: unknown): Promise<MissingImagesResult> => {
      const args = readArgs(arg);
      if (!vscode.workspace.workspaceFolders?.length) {
        throw new FluxError('invalidInput', vscode.l10n.t('Open a folder (File > Open Folder), then run “Flux: Generate Missing Images in Workspace” again.'));
      }
      const scans = await scanWorkspace(services.places);
      return await generateMissingImages(services, scans, { pick: args.pick, workspace: true });
    }),
  ];
}

/** Every document of the languages in "Documents", minus files.exclude, search.exclude and node_modules. */
async function findDocuments(): Promise<vscode.Uri[]> {
  // `undefined` applies files.exclude; search.exclude is applied by a second search with it as the exclude.
  const all = await vscode.workspace.findFiles(DOCUMENT_GLOB, undefined, MAX_DOCUMENTS);
  const searchExclude = Object.entries(vscode.workspace.getConfiguration('search').get<Record<string, unknown>>('exclude') ?? {})
    .filter(([glob, on]) => on === true && !/[{}]/.test(glob))
    .map(([glob]) => glob);
  const kept = new Set((await vscode.workspace.findFiles(DOCUMENT_GLOB, `{${['**/node_modules', ...searchExclude].join(',')}}`, MAX_DOCUMENTS)).map((u) => u.toString()));
  return all.filter((u) => kept.has(u.toString()) && !u.path.split('/').includes('node_modules')).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function scanWorkspace(places: PlaceTracker): Promise<DocumentScan[]> {
  const { readImageReferences } = await import('../core/documents');
  const scans: DocumentScan[] = [];
  try {
    await scanEach(scans, readImageReferences, places);
  } catch (err) {
    disposeScans(scans);
    throw err;
  }
  return scans;
}

type ReadReferences = typeof ReadImageReferences;

async function scanEach(scans: DocumentScan[], readImageReferences: ReadReferences, places: PlaceTracker): Promise<void> {
  for (const uri of await findDocuments()) {
    let document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const language = document ? languageOf(document) : undefined;
    if (!document) {
      // Only documents with image references are opened (opening one wakes other extensions).
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const byName = languageOfPath(uri.path);
      if (!byName || !readImageReferences(text, byName).length) continue;
      document = await vscode.workspace.openTextDocument(uri);
    }
    const lang = language ?? languageOf(document);
    if (!lang) continue;
    const scan = await scanDocument(document, lang, places);
    if (scan.missing.length || scan.skipped.length) scans.push(scan);
    else scan.places.dispose();
  }
}
