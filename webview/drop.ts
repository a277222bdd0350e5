// Files dragged from the Explorer (or the OS) onto the Studio: they carry a uri-list; anything
// else is not ours to take. Only the URIs go to the host, which reads and checks each file itself.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
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

/**
 * A drop zone on a lit element: `dragging` while files are over it (the element shows it), and the
 * dropped URIs handed to `onUris`. `own`: the drop is this zone's alone (an inner zone stops it
 * from reaching an outer one).
 */
export class DropZone implements ReactiveController {
  dragging = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly onUris: (uris: string[]) => void,
    private readonly own = false,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  readonly onDragOver = (e: DragEvent): void => {
    if (!carriesUris(e)) return;
    e.preventDefault();
    if (this.own) e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.set(true);
  };

  readonly onDragLeave = (e: DragEvent): void => {
    if (e.relatedTarget instanceof Node && this.host.contains(e.relatedTarget)) return;
    this.set(false);
  };

  readonly onDrop = (e: DragEvent): void => {
    this.set(false);
    if (!carriesUris(e)) return;
    e.preventDefault();
    if (this.own) e.stopPropagation();
    const uris = droppedUris(e);
    if (uris.length) this.onUris(uris);
  };

  private set(dragging: boolean): void {
    if (this.dragging === dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }
}
