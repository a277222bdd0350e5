// Files dragged from the Explorer (or the OS) onto the Studio: they carry a uri-list; anything
// else is not ours to take. Only the URIs go to the host, which reads and checks each file itself.
import { parseUriList } from '../src/studio/protocol';

export function carriesUris(e: DragEvent): boolean {
  const types = [...(e.dataTransfer?.types ?? [])];
  return types.includes('application/vnd.code.uri-list') || types.includes('text/uri-list');
}

/** VS Code's own list first (it keeps remote URIs as they are), then the standard one. */
export function droppedUris(e: DragEvent): string[] {
  const data = e.dataTransfer;
  return parseUriList(data?.getData('application/vnd.code.uri-list') || data?.getData('text/uri-list') || '');
}
