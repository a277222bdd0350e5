// The XMP packet that marks an image as AI-made (IPTC's DigitalSourceType and AISystemUsed) and,
// when recipes are on, carries the recipe as `flux:recipe` (docs/CONTRACT.md "Every image says it is
// AI-made"). Pure text in, text out: where the packet goes in each format is in imageMeta.ts.
// Everything read back is untrusted: the reader looks for our few properties with plain string
// searches (no regular expression that could backtrack on hostile text), bounded by its input.

export const IPTC_EXT_NS = 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/';
export const FLUX_NS = 'https://flux-vscode.dev/ns/1.0/';
export const DIGITAL_SOURCE_TYPE_BASE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
export const TRAINED = `${DIGITAL_SOURCE_TYPE_BASE}trainedAlgorithmicMedia`;
export const COMPOSITE = `${DIGITAL_SOURCE_TYPE_BASE}compositeWithTrainedAlgorithmicMedia`;
/** The identifier in front of an XMP packet in a JPEG APP1 segment (with its NUL). */
export const XMP_JPEG_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
/** The PNG keyword of an iTXt chunk with XMP. */
export const XMP_PNG_KEYWORD = 'XML:com.adobe.xmp';
/** A packet bigger than this is not read (ours are a few KiB; the recipe is ≤ 60 KiB). */
export const MAX_XMP_READ_BYTES = 256 * 1024;

export interface AiLabel {
  /** The model, as AISystemUsed names it. */
  readonly model: string;
  /** An edit, or a generation from reference images. */
  readonly composite: boolean;
  /** The recipe's JSON (prompt included): left out when the person turned recipes off. */
  readonly recipeJson?: string;
  /** The prompt for IPTC's AIPromptInformation: only with the recipe. */
  readonly prompt?: string;
  readonly software?: string;
}

export interface XmpFound {
  /** The full DigitalSourceType URI as written. */
  readonly digitalSourceType?: string;
  readonly aiSystem?: string;
  /** The raw `flux:recipe` text (still to be validated with parseRecipeJson). */
  readonly recipeJson?: string;
}

/** Escapes text for an XML element or a double-quoted attribute. Control characters XML 1.0 forbids are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot hold at all
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'))
      // A carriage return would be read back as a line feed (XML end-of-line handling).
      .replace(/\r/g, '&#13;')
  );
}

/** The XMP packet for an image the extension made. */
export function buildXmp(label: AiLabel): string {
  const lines = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    `    xmlns:Iptc4xmpExt="${IPTC_EXT_NS}"`,
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    `    xmlns:flux="${FLUX_NS}">`,
    `   <Iptc4xmpExt:DigitalSourceType>${label.composite ? COMPOSITE : TRAINED}</Iptc4xmpExt:DigitalSourceType>`,
    `   <Iptc4xmpExt:AISystemUsed>${escapeXml(label.model)}</Iptc4xmpExt:AISystemUsed>`,
  ];
  if (label.software) lines.push(`   <xmp:CreatorTool>${escapeXml(label.software)}</xmp:CreatorTool>`);
  if (label.recipeJson !== undefined) {
    if (label.prompt !== undefined) lines.push(`   <Iptc4xmpExt:AIPromptInformation>${escapeXml(label.prompt)}</Iptc4xmpExt:AIPromptInformation>`);
    lines.push(`   <flux:recipe>${escapeXml(label.recipeJson)}</flux:recipe>`);
  }
  lines.push('  </rdf:Description>', ' </rdf:RDF>', '</x:xmpmeta>', '<?xpacket end="w"?>');
  return lines.join('\n');
}

/**
 * Our properties in a packet, whichever prefix the namespaces are bound to, as elements or as
 * attributes of rdf:Description. Never throws; unknown or malformed text gives an empty result.
 */
export function parseXmp(xml: string): XmpFound {
  if (typeof xml !== 'string' || xml.length > MAX_XMP_READ_BYTES) return {};
  const iptc = prefixFor(xml, IPTC_EXT_NS);
  const flux = prefixFor(xml, FLUX_NS);
  const digitalSourceType = iptc === undefined ? undefined : property(xml, `${iptc}:DigitalSourceType`);
  const aiSystem = iptc === undefined ? undefined : property(xml, `${iptc}:AISystemUsed`);
  const recipeJson = flux === undefined ? undefined : property(xml, `${flux}:recipe`);
  return {
    ...(digitalSourceType !== undefined ? { digitalSourceType: digitalSourceType.trim() } : {}),
    ...(aiSystem !== undefined ? { aiSystem } : {}),
    ...(recipeJson !== undefined ? { recipeJson } : {}),
  };
}

/** Whether a DigitalSourceType says a model made or changed the image. */
export function isAiSourceType(uri: string | undefined): boolean {
  return uri === TRAINED || uri === COMPOSITE || uri === `${DIGITAL_SOURCE_TYPE_BASE}algorithmicMedia`;
}

function prefixFor(xml: string, ns: string): string | undefined {
  for (const quote of ['"', "'"]) {
    const at = xml.indexOf(`=${quote}${ns}${quote}`);
    if (at < 0) continue;
    const decl = xml.lastIndexOf('xmlns:', at);
    if (decl < 0 || at - decl > 6 + 64) continue;
    const prefix = xml.slice(decl + 6, at).trim();
    if (/^[A-Za-z_][\w.-]*$/.test(prefix)) return prefix;
  }
  return undefined;
}

/** The text of `<name>…</name>` or of `name="…"`, entities decoded; CDATA sections read as they are. */
function property(xml: string, name: string): string | undefined {
  const open = xml.indexOf(`<${name}>`);
  if (open >= 0) {
    const start = open + name.length + 2;
    const end = xml.indexOf(`</${name}>`, start);
    if (end >= 0) return decodeText(xml.slice(start, end));
  }
  for (const quote of ['"', "'"]) {
    const attr = xml.indexOf(`${name}=${quote}`);
    if (attr < 0 || !/\s/.test(xml[attr - 1] ?? '')) continue;
    const start = attr + name.length + 2;
    const end = xml.indexOf(quote, start);
    if (end >= 0) return decodeText(xml.slice(start, end));
  }
  return undefined;
}

function decodeText(text: string): string | undefined {
  if (text.includes('<') && !text.startsWith('<![CDATA[')) return undefined; // a structure (rdf:Alt…), not text we wrote
  if (text.startsWith('<![CDATA[')) {
    const end = text.indexOf(']]>');
    return end < 0 ? undefined : text.slice(9, end);
  }
  let bad = false;
  const out = text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      bad = true;
      return '';
    }
    return String.fromCodePoint(code);
  });
  return bad ? undefined : out;
}
