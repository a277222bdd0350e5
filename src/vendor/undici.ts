// The HTTP library, bundled on its own into dist/undici.js: the extension bundle requires it
// only when the first image is asked for, so VS Code's start never parses it.
export { Agent, EnvHttpProxyAgent, FormData, request, Response } from 'undici';
