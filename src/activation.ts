// The extension's entry (dist/extension.js): what VS Code runs at activation, kept small so that
// opening a Markdown file costs next to nothing. It registers stand-ins for every command, the
// hover and code actions, the Studio's serializer, the chat tool and the recipe documents; the
// features themselves (extension.ts, built apart as dist/features.js) load on the first use of
// any of them, or in the background once start-up has settled.
import * as vscode from 'vscode';
import { COMMANDS } from './commands/ids';
import { LANGUAGE_IDS } from './core/documents/types';
import { STUDIO_VIEW_TYPE } from './services/constants';
import { IMAGE_ACTIONS_METADATA } from './languageFeatures/codeActionKinds';
import { PlaceTracker } from './services/places';
import { InsertTargetTracker } from './studio/insertTarget';
import { RECIPE_SCHEME, registerDetails, registerRecipeLanguages } from './ui/details';
import type * as FeaturesModule from './extension';
import type { Features, TestingApi } from './extension';

export type { TestingApi } from './extension';

/** After this long without a first use, the features load anyway: the history scan and recovery need them. */
const BACKGROUND_LOAD_MS = 2000;

interface Contributes {
  readonly commands?: readonly { readonly command?: unknown }[];
  readonly languageModelTools?: readonly { readonly name?: unknown }[];
}

export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const contributes = ((context.extension.packageJSON as { contributes?: Contributes }).contributes ?? {}) as Contributes;
  // The one owner of places followed in documents (services/places.ts).
  const places = new PlaceTracker();
  // Created now, not when the Studio opens: Insert must know the editor that was active before.
  const target = new InsertTargetTracker(places);
  let features: Features | undefined;
  const standIns: vscode.Disposable[] = [];
  const load = (): Features => {
    if (features) return features;
    // The stand-ins give way first: the features register the real commands under the same ids.
    for (const d of standIns.splice(0)) d.dispose();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, from its own bundle (see esbuild.js)
    const module = require('./extension') as typeof FeaturesModule;
    features = module.activate(context, { places, target });
    return features;
  };

  const commandIds = new Set<string>(Object.values(COMMANDS));
  for (const c of contributes.commands ?? []) if (typeof c.command === 'string' && c.command.startsWith('flux.')) commandIds.add(c.command);
  for (const id of commandIds) {
    standIns.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => {
        load();
        return vscode.commands.executeCommand(id, ...args);
      }),
    );
  }

  const selector: vscode.DocumentSelector = LANGUAGE_IDS.map((language) => ({ language }));
  context.subscriptions.push(
    places,
    target,
    { dispose: () => standIns.splice(0).forEach((d) => d.dispose()) },
    registerDetails(),
    registerRecipeLanguages(),
    vscode.workspace.registerTextDocumentContentProvider(RECIPE_SCHEME, { provideTextDocumentContent: (uri, token) => load().recipeDocuments.provideTextDocumentContent(uri, token) }),
    vscode.languages.registerHoverProvider(selector, { provideHover: (document, position, token) => load().hover.provideHover(document, position, token) }),
    vscode.languages.registerCodeActionsProvider(
      selector,
      { provideCodeActions: (document, range, codeContext, token) => load().codeActions.provideCodeActions(document, range, codeContext, token) },
      IMAGE_ACTIONS_METADATA,
    ),
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => load().studio.deserializeWebviewPanel(panel, state) }),
  );
  for (const tool of contributes.languageModelTools ?? []) {
    if (typeof tool.name !== 'string' || !tool.name.startsWith('flux_')) continue;
    context.subscriptions.push(
      vscode.lm.registerTool<object>(tool.name, {
        prepareInvocation: (options, token) => load().imageTool.prepareInvocation?.(options as never, token),
        invoke: (options, token) => load().imageTool.invoke(options as never, token),
      }),
    );
  }
  // Not on the start-up path: once it has settled, the history scan and recovery run (extension.ts).
  const timer = setTimeout(() => void load(), BACKGROUND_LOAD_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    return {
      get testing() {
        return load().testing;
      },
    };
  }
  return {};
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
