import { type Text, text } from './errors';

/** An image that was saved and linked (or a reference pointed at it), as the summary tells it. */
export interface LinkedImage {
  /** The image, as a path a person reads (workspace-relative). */
  readonly image: string;
  /** The document it is linked in, as a path a person reads. */
  readonly document: string;
  /** An existing reference was pointed at it (edit, regenerate) rather than a new link inserted. */
  readonly retargeted: boolean;
}

/**
 * What one message says of the images that finished together: one image by name, several by
 * count and document. Never a line number: the document keeps changing under a message that
 * stays on screen.
 */
export function linkedSummary(images: readonly LinkedImage[]): Text | undefined {
  const [first] = images;
  if (!first) return undefined;
  if (images.length === 1) {
    return first.retargeted ? text('Saved {0} and pointed the image in {1} at it.', first.image, first.document) : text('Saved {0} and linked it in {1}.', first.image, first.document);
  }
  const documents = [...new Set(images.map((i) => i.document))];
  if (documents.length === 1) return text('{0} images linked in {1}.', images.length, documents[0]!);
  return text('{0} images linked in {1} documents.', images.length, documents.length);
}
