import { allFormats } from './formats/registry.js';
import type { TranslateCodec } from './formats/types.js';

function codecs(): TranslateCodec[] {
  return allFormats().flatMap((f) => (f.translate ? [f.translate] : []));
}

export function translateFormatNames(): string[] {
  return codecs().map((c) => c.name);
}

/** Offline conversion: decode with one format's codec, encode with another's, through the model. */
export function translatePayload(from: string, to: string, input: Buffer): string {
  const src = codecs().find((c) => c.name === from);
  const dst = codecs().find((c) => c.name === to);
  for (const [name, c] of [[from, src], [to, dst]] as const) {
    if (!c) throw Object.assign(new Error(`unknown format "${name}" (formats: ${translateFormatNames().join(', ')})`), { usage: true });
  }
  const out = dst!.encode(src!.decode(input));
  return out.endsWith('\n') ? out : out + '\n';
}
