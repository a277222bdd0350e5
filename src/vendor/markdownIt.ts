// The Markdown parser, bundled on its own into dist/markdown-it.js: the extension bundle requires
// it only when a document is first read or a link first placed, so VS Code's start never parses it.
export { default } from 'markdown-it';
