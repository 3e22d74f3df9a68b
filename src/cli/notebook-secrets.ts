/**
 * Secret scrubbing for executed notebooks and their HTML renders: a cell that prints an environment variable (or an
 * error that quotes a key) must not leave the key in a file that may be shared.
 */
import { redactSecret } from "../core/index.js";

/** Names of environment variables treated as secrets. */
const SECRET_NAME = /(_API_KEY|_APIKEY|_TOKEN|_SECRET|_SECRET_KEY|_PASSWORD)$/i;

/**
 * Replace the value of every secret-looking environment variable (`*_API_KEY`, `*_TOKEN`, `*_SECRET`, ...;
 * values of 6+ characters) with `[redacted NAME]`, also in its JSON-escaped form.
 */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 6 || !SECRET_NAME.test(name)) continue;
    const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
    for (const form of forms) out = redactSecret(out, form, `[redacted ${name}]`);
  }
  return out;
}
