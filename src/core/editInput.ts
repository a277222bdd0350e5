/**
 * What may be sent to be edited: a PNG, JPEG or WebP of at most
 * 20 MB, judged by its bytes, and (when named by a path) a file inside the workspace. Pure: the
 * host reads the file and passes its size, bytes and paths in.
 */
import { FluxError, text } from './errors';
import type { ImageType } from './imageType';
import { sniffImageType } from './imageType';
import { isInsideFolder, normalizeUriPath } from './workspacePath';

export const MAX_EDIT_IMAGE_BYTES = 20 * 1024 * 1024;

/** Refuses a file over the limit before it is read. `name` is for the message. */
export function checkEditImageSize(size: number, name: string): void {
  if (size > MAX_EDIT_IMAGE_BYTES) {
    // Rounded up, so a file a byte over 20 MB reads "20.1 MB", not "20.0 MB ... at most 20 MB".
    const megabytes = (Math.ceil((size / 1024 / 1024) * 10) / 10).toFixed(1);
    throw new FluxError(
      'invalidInput',
      text('{0} is {1} MB; an image to edit may be at most {2} MB. Choose a smaller image, or save it smaller, then try again.', name, megabytes, MAX_EDIT_IMAGE_BYTES / 1024 / 1024),
    );
  }
}

/** The image's type from its bytes; refuses anything else, whatever its name says. */
export function checkEditImage(bytes: Uint8Array, name: string): ImageType {
  checkEditImageSize(bytes.byteLength, name);
  const type = sniffImageType(bytes);
  if (!type) throw new FluxError('invalidInput', text('{0} is not a PNG, JPEG or WebP image, so it cannot be edited. Choose an image file.', name));
  return type;
}

/**
 * The absolute URI path of a workspace-relative path given as an argument, or undefined when it
 * leads outside `folderPath` (`..`, encoded forms, an absolute path elsewhere) or is malformed.
 * An absolute path is accepted only when it lies inside the folder.
 */
export function resolveInFolder(folderPath: string, relative: string): string | undefined {
  const p = relative.replace(/\\/g, '/');
  const absolute = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
  const folder = normalizeUriPath(folderPath);
  if (folder === undefined || !p.trim()) return undefined;
  const joined = absolute ? (/^[A-Za-z]:\//.test(p) ? `/${p}` : p) : `${folder === '/' ? '' : folder}/${p}`;
  const resolved = normalizeUriPath(joined);
  if (resolved === undefined || resolved === folder) return undefined;
  return isInsideFolder(joined, folder) && isInsideFolder(resolved, folder) ? resolved : undefined;
}

/** The outside-the-workspace message, for every way an image can be named. */
export function outsideWorkspace(path: string): FluxError {
  return new FluxError('invalidInput', text('“{0}” is outside the workspace, so it is not sent anywhere. Choose an image inside the workspace folder.', path));
}
