/**
 * The two checks every loader section makes on what it read: the record count of a fixed upstream file, and a
 * record that does not line up with its test item. Internal to the loaders (not re-exported by the stage): its own
 * module so the sections share one wording of each error.
 */
import { InputError } from "../core/index.js";
import type { TestSetName } from "./models.js";
import { describe, type LocatedRecord } from "./parse.js";
import type { TestItem } from "./test-sets.js";

/** `records` when there are exactly `expected` of them; otherwise an `InputError` naming the file. */
export function expectCount<T>(records: T[], expected: number, file: string): T[] {
  if (records.length !== expected) throw new InputError({ file }, `expected ${expected} records, got ${records.length} (count mismatch: a truncated or different file?)`);
  return records;
}

/** The error for a record whose `field` differs from its test item's. */
export function mismatch(r: LocatedRecord, field: string, testSet: TestSetName, item: TestItem): InputError {
  const got = r.value[field] ?? (field === "input" ? "(from prompt)" : undefined);
  return new InputError({ ...r.at, field }, `does not match ${testSet} item ${item.id} (record ${r.position}): got ${describe(got)}, expected ${describe((item as unknown as Record<string, unknown>)[field])}`);
}
