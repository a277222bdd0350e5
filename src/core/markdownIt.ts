// markdown-it, required on first use: it is a bundle of its own (dist/markdown-it.js, see
// esbuild.js), and neither VS Code's activation nor `flux-docs check` on a folder with no
// Markdown should pay for loading it (about 10 ms of the command line's start).
import type MarkdownIt from 'markdown-it';

let loaded: typeof MarkdownIt | undefined;

/** The markdown-it constructor, loaded the first time it is asked for. */
export function markdownIt(): typeof MarkdownIt {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, from its own bundle
    const module = require('markdown-it') as typeof MarkdownIt | { default: typeof MarkdownIt };
    // The package's CommonJS build exports the constructor; our vendor bundle exports it as `default`.
    loaded = 'default' in module ? module.default : module;
  }
  return loaded;
}
