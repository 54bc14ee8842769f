/**
 * The shapes a leaked secret takes on its way into a log line or a body: raw (and so also
 * "Bearer KEY"), base64 and base64url (a Basic header, a JSON bytes field, a dump of a Buffer),
 * percent-encoded (a URL, a form body) and hex. Base64 depends on where the secret starts
 * relative to a 3-byte group, so every alignment is searched, by the part of its encoding that
 * does not depend on the bytes around it.
 */
export interface SecretForm {
  form: string;
  text: string;
}

export function secretForms(secret: string): SecretForm[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: SecretForm[] = [{ form: 'raw', text: secret }];
  for (let pad = 0; pad < 3; pad++) {
    const padded = Buffer.concat([Buffer.alloc(pad, 0x20), bytes]);
    // Characters from the first group boundary after the padding up to the last whole group:
    // these are the same whatever the surrounding bytes are.
    const start = pad === 0 ? 0 : 4;
    const wholeGroups = Math.floor(padded.length / 3);
    for (const enc of ['base64', 'base64url'] as const) {
      const text = padded.toString(enc).slice(start, wholeGroups * 4);
      out.push({ form: `${enc}@${pad}`, text });
    }
  }
  out.push({ form: 'percent-encoded', text: encodeURIComponent(secret) });
  out.push({ form: 'percent-encoded (lowercase hex)', text: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) });
  out.push({ form: 'hex', text: bytes.toString('hex') });
  return out;
}

/** The forms of `secret` found in `haystack` (empty = not leaked in any known shape). */
export function leakedForms(haystack: string, secret: string): string[] {
  return secretForms(secret).filter((f) => haystack.includes(f.text)).map((f) => f.form);
}
