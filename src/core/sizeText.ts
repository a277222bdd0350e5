/**
 * A size as a person reads it: an aspect ratio as `16:9`, pixels as `1024×768`. Settings, recipes
 * and requests keep the contract's `16x9` / `1024x768`; only what is shown goes through here.
 */
export function sizeLabel(size: string): string {
  const ratio = /^(\d{1,2})x(\d{1,2})$/.exec(size);
  return ratio ? `${ratio[1]}:${ratio[2]}` : size.replace('x', '×');
}
