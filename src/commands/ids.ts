/** Every command id of the extension, in one place (package.json contributes the same). */
export const COMMANDS = {
  generateImage: 'flux.generateImage',
  generateFromSelection: 'flux.generateFromSelection',
  openStudio: 'flux.openStudio',
  setApiKey: 'flux.setApiKey',
  clearApiKey: 'flux.clearApiKey',
  cancelGenerations: 'flux.cancelGenerations',
  showLog: 'flux.showLog',
  editImage: 'flux.editImage',
} as const;
