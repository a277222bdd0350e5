import { normalizePrompt } from '../core/params';
import { localizedMessage } from './notifications';

/** An input box's check of a prompt or instruction: the service's own limits, said in words. */
export function validatePrompt(value: string): string | undefined {
  try {
    normalizePrompt(value);
    return undefined;
  } catch (e) {
    return localizedMessage(e);
  }
}
