/**
 * Redaction of secrets (API keys) from text bound for logs, error messages and saved notebook outputs. Not only the
 * whole key: any run of `minLength` (default 8) or more characters that appears inside the key is masked too, since
 * providers and SDKs echo keys truncated ("sk-abc...wxyz"), split across lines, or partly.
 */

/** Mask every part of `text` that is a substring of `secret` at least `minLength` characters long. */
export function redactSecret(text: string, secret: string, replacement = "[redacted]", minLength = 8): string {
  if (!secret) return text;
  if (secret.length < minLength) return text.split(secret).join(replacement);
  // Every window of minLength characters of the secret; a text position starting such a window is covered.
  const grams = new Set<string>();
  const firsts = new Set<string>();
  for (let i = 0; i + minLength <= secret.length; i++) {
    grams.add(secret.slice(i, i + minLength));
    firsts.add(secret[i]!);
  }
  const ranges: [number, number][] = [];
  for (let i = 0; i + minLength <= text.length; i++) {
    if (!firsts.has(text[i]!) || !grams.has(text.slice(i, i + minLength))) continue;
    const last = ranges[ranges.length - 1];
    if (last && i <= last[1]) last[1] = i + minLength;
    else ranges.push([i, i + minLength]);
  }
  if (ranges.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [a, b] of ranges) {
    out += text.slice(at, a) + replacement;
    at = b;
  }
  return out + text.slice(at);
}
