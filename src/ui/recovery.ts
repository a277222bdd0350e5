import * as vscode from 'vscode';
import type { RecoveryUi } from '../services/recovery';
import { showInformation } from './messages';

/** Says, without a modal, how many images were recovered, with the way to them. */
export function recoveryUi(): RecoveryUi {
  return {
    recovered: (count) => {
      const open = vscode.l10n.t('Open Image Studio');
      const message =
        count === 1
          ? vscode.l10n.t('Flux recovered an image that was being made when VS Code stopped. It is a draft in the Image Studio, marked Recovered.')
          : vscode.l10n.t('Flux recovered {0} images that were being made when VS Code stopped. They are drafts in the Image Studio, marked Recovered.', count);
      void showInformation(message, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('flux.openStudio');
      });
    },
  };
}
