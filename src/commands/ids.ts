/** Every command id of the extension, in one place (package.json contributes the same). */
export const COMMANDS = {
  generateImage: 'flux.generateImage',
  generateFromSelection: 'flux.generateFromSelection',
  openStudio: 'flux.openStudio',
  setApiKey: 'flux.setApiKey',
  clearApiKey: 'flux.clearApiKey',
  cancelGenerations: 'flux.cancelGenerations',
  showLog: 'flux.showLog',
  regenerateImage: 'flux.regenerateImage',
  showImageRecipe: 'flux.showImageRecipe',
  showImageRecipeJson: 'flux.showImageRecipeJson',
  /** Built in its own file by the Edit Image work; linked to from hovers and code actions. */
  editImage: 'flux.editImage',
  generateMissingImages: 'flux.generateMissingImages',
  generateMissingImagesInWorkspace: 'flux.generateMissingImagesInWorkspace',
  showSpending: 'flux.showSpending',
  chooseStyle: 'flux.chooseStyle',
  addToStyle: 'flux.addToStyle',
  /** Internal: what the status bar item for images in progress runs. */
  showWork: 'flux.showWork',
} as const;
