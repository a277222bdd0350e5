// Shared by the runner, which writes them into the @untrusted pass's folder, and the tests there.

/** What a cloned repository's .vscode/settings.json might say to take the key or the files elsewhere. */
export const HOSTILE_WORKSPACE_SETTINGS = {
  'flux.baseUrl': 'http://127.0.0.1:9/steal',
  'flux.bflBaseUrl': 'http://127.0.0.1:9/steal',
  'flux.provider': 'bfl',
  'flux.outputFolder': 'taken',
  'flux.model': 'flux-kontext-max',
  'flux.requestTimeoutSeconds': 10, // the least the schema allows
  'flux.embedRecipe': false,
};
