import { FluxError } from '../core/errors';
import { normalizePrompt } from '../core/params';

/** An input box's check of a prompt or instruction: the service's own limits, said in words. */
export function validatePrompt(value: string): string | undefined {
  try {
    normalizePrompt(value);
    return undefined;
  } catch (e) {
    return e instanceof FluxError ? e.message : String(e);
  }
}
