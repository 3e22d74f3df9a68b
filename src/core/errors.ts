/**
 * Errors at the edges name where the bad input is: the file, the line (JSONL) or index (JSON array), and the field.
 * Researchers fix data by hand; a message that says "line 412, field `response`: expected a string, got null"
 * saves them the hunt.
 */
export interface InputLocation {
  /** The file, as given (relative paths stay relative so messages are short). */
  file: string;
  /** 1-based line number in a JSONL/text file. */
  line?: number;
  /** 0-based index in a JSON array. */
  index?: number;
  /** The field (dot path) that is missing or wrong. */
  field?: string;
}

/** A problem with input data, located precisely. `message` already includes the location. */
export class InputError extends Error {
  readonly location: InputLocation;
  readonly reason: string;
  constructor(location: InputLocation, reason: string) {
    super(`${formatLocation(location)}: ${reason}`);
    this.name = "InputError";
    this.location = location;
    this.reason = reason;
  }
}

/** `file:line` / `file[index]` plus `, field "x"` when known. */
export function formatLocation(loc: InputLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.index !== undefined) s += ` [record ${loc.index}]`;
  if (loc.field !== undefined) s += `, field "${loc.field}"`;
  return s;
}

/**
 * An OS error as short text without the absolute path Node appends (`EACCES: permission denied`), for messages
 * that already name the file.
 */
export function fsErrorText(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const msg = typeof err?.message === "string" ? err.message : String(e);
  // Node: "EACCES: permission denied, open '/abs/path'": keep "EACCES: permission denied".
  return msg.replace(/, (open|read|write|mkdir|rename|unlink|rmdir|scandir|stat|lstat|ftruncate|utime|close|fsync|copyfile|access) .*$/s, "");
}

/**
 * A write to the run store or the cache failed (disk full, permission, read-only file system). It stops the run:
 * results that cannot be stored must not be paid for again and again. The message is one line naming the file and
 * the OS error.
 */
export class WriteError extends Error {
  readonly file: string;
  /** The OS error code (`EACCES`, `ENOSPC`, ...), when known. */
  readonly code?: string;
  constructor(file: string, cause: unknown) {
    super(`${file}: could not write: ${fsErrorText(cause)}`, { cause });
    this.name = "WriteError";
    this.file = file;
    const code = (cause as { code?: unknown })?.code;
    if (typeof code === "string") this.code = code;
  }
}
