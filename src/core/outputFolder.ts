import { FluxError, text } from './errors';

/** Values for the variables `flux.outputFolder` may use; absent when there is no document. */
export interface OutputFolderVariables {
  /** The document's folder relative to its workspace folder, `/` separators, '' at the root. */
  readonly documentDirName?: string;
  /** The document's file name without its extension. */
  readonly documentBaseName?: string;
}

const VARIABLE = /\$\{(\w+)\}/g;

/** The value of one variable as path segments, checked: it can add folders but never climb or root itself. */
function variableSegments(name: keyof OutputFolderVariables, value: string, setting: string): string[] {
  // a base name is one name: a '/' or '\' in it is a character, never a separator
  const parts = name === 'documentBaseName' ? [value.replace(/[\\/]/g, '_')] : value.replace(/\\/g, '/').split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..' || /^[\\/]/.test(value) || /^[a-zA-Z]:$/.test(part) || part === '~') {
      throw new FluxError('invalidInput', text('The output folder “{0}” leads out of the workspace. Change flux.outputFolder to a folder inside it.', setting));
    }
    out.push(part);
  }
  return out;
}

/**
 * Checks `flux.outputFolder` and returns its `/`-separated segments below the workspace
 * folder. `${documentDirName}` and `${documentBaseName}` are replaced by `vars`; using one with
 * no document is an error. Absolute paths, drive letters, `..` that climbs out, and empty names
 * are refused: images stay inside the workspace, whatever the variables hold.
 */
export function outputFolderSegments(setting: string, vars: OutputFolderVariables = {}): string[] {
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
    out.push(...expandSegment(part, vars, setting));
  }
  return out;
}

/** One segment of the setting with its variables replaced; `${documentDirName}` may stand for several folders or none. */
function expandSegment(part: string, vars: OutputFolderVariables, setting: string): string[] {
  const expanded = part.replace(VARIABLE, (_, name: string) => {
    if (name !== 'documentDirName' && name !== 'documentBaseName') {
      throw new FluxError('invalidInput', text('The output folder “{0}” uses a variable that is not known (“{1}”). Use ${documentDirName} or ${documentBaseName}.', setting, name));
    }
    const value = vars[name];
    if (value === undefined) {
      throw new FluxError('invalidInput', text('The output folder “{0}” uses “{1}”, which needs a document. Open the document first, or change flux.outputFolder.', setting, `\${${name}}`));
    }
    return variableSegments(name, value, setting).join('/');
  });
  const names = expanded.split('/').filter((s) => s !== '');
  for (const name of names) checkName(name, setting);
  return names;
}

function checkName(part: string, setting: string): void {
  if (part === '.' || part === '..') {
    throw new FluxError('invalidInput', text('The output folder “{0}” leads out of the workspace. Change flux.outputFolder to a folder inside it.', setting));
  }
  // eslint-disable-next-line no-control-regex -- names with control characters are refused
  if (/[\u0000-\u001f<>:"|?*]/.test(part) || /[. ]$/.test(part)) {
    throw new FluxError('invalidInput', text('The output folder “{0}” has a name that is not valid on every system (“{1}”). Change flux.outputFolder.', setting, part));
  }
}
