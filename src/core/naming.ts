/** File names that are readable and valid on Windows, macOS and Linux. */

export const MAX_SLUG_LENGTH = 48;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A short slug of the prompt: letters and digits of any script stay (lower-cased where that
 * means something), everything else becomes single hyphens. Never empty, never a reserved
 * device name, never ending in a dot or space.
 */
export function slugify(prompt: string, maxLength = MAX_SLUG_LENGTH): string {
  const words = prompt
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  let slug = '';
  for (const part of words.split('-')) {
    if (!part) continue;
    const next = slug ? `${slug}-${part}` : part;
    if ([...next].length > maxLength) {
      if (!slug) slug = [...part].slice(0, maxLength).join(''); // one very long word (or CJK run)
      break;
    }
    slug = next;
  }
  slug = slug.replace(/[.\s-]+$/u, '');
  if (!slug) slug = 'image';
  if (WINDOWS_RESERVED.test(slug)) slug = `${slug}-image`;
  return slug;
}

/** `YYYYMMDD-HHMMSS` in local time: sorts by creation and reads as a date. */
export function timestampSuffix(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(date.getFullYear(), 4)}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** The n-th candidate name: n = 0 is the plain one, later ones add `-2`, `-3`, … */
export function candidateFileName(prompt: string, date: Date, extension: string, n: number): string {
  const base = `${slugify(prompt)}-${timestampSuffix(date)}`;
  return n === 0 ? `${base}${extension}` : `${base}-${n + 1}${extension}`;
}
