// The kinds of code actions we offer, apart from the provider: activation registers the provider
// with this metadata and must not load the provider's code (nor what it loads) to do so.
import * as vscode from 'vscode';

/** Regenerate, Reproduce, Edit…, Show Image Recipe on an image reference. */
export const IMAGE_ACTION_KIND = vscode.CodeActionKind.RefactorRewrite.append('flux');
/** "Describe image from its recipe": a Quick Fix for alt text that describes nothing. */
export const DESCRIBE_ACTION_KIND = vscode.CodeActionKind.QuickFix.append('flux');
export const IMAGE_ACTIONS_METADATA: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [IMAGE_ACTION_KIND, DESCRIBE_ACTION_KIND] };
