import { FluxError, text } from './errors';

/**
 * Checks `flux.outputFolder` and returns its `/`-separated segments below the workspace
 * folder. Absolute paths, drive letters, `..` that climbs out, and empty names are refused:
 * images stay inside the workspace.
 */
export function outputFolderSegments(setting: string): string[] {
  const raw = setting.trim().replace(/\\/g, '/');
  if (/^([a-zA-Z]:|\/|~)/.test(raw) || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new FluxError('invalidInput', text('The output folder “{0}” must be a path inside the workspace, such as “assets” or “docs/images”. Change flux.outputFolder.', setting));
  }
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) {
        throw new FluxError('invalidInput', text('The output folder “{0}” leads out of the workspace. Change flux.outputFolder to a folder inside it.', setting));
      }
      out.pop();
      continue;
    }
    // eslint-disable-next-line no-control-regex -- names with control characters are refused
    if (/[\u0000-\u001f<>:"|?*]/.test(part) || /[. ]$/.test(part)) {
      throw new FluxError('invalidInput', text('The output folder “{0}” has a name that is not valid on every system (“{1}”). Change flux.outputFolder.', setting, part));
    }
    out.push(part);
  }
  return out;
}
