import { bflProvider } from './bfl';
import { dmxapiProvider } from './dmxapi';
import type { ImageProvider, ProviderId } from './types';

const PROVIDERS: Readonly<Record<ProviderId, ImageProvider>> = {
  dmxapi: dmxapiProvider,
  bfl: bflProvider,
};

/** The provider for a `flux.provider` value. */
export function providerFor(id: ProviderId): ImageProvider {
  const provider = PROVIDERS[id];
  if (!provider) throw new Error(`unknown provider ${String(id)}`);
  return provider;
}
