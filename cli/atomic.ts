/**
 * Writing outputs so that a reader never sees half of them: everything goes
 * to a temporary sibling first (same file system, so the final rename is
 * atomic per entry) and is moved into place only when complete.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Creates an empty temporary directory next to `dest`, whose parent must
 * exist (it is not created: an operator's typo should not make folders).
 */
export function tempSiblingDir(dest: string): string {
  const parent = path.dirname(dest);
  if (!fs.existsSync(parent) || !fs.statSync(parent).isDirectory()) throw new Error(`the folder ${parent} does not exist`);
  return fs.mkdtempSync(`${dest}.tmp-`);
}

/**
 * Replaces directory `dest` by the complete directory `tmp`. The previous
 * content is kept aside until the new one is in place, then removed.
 */
export function replaceDir(tmp: string, dest: string): void {
  const old = `${dest}.old-${process.pid}-${Date.now()}`;
  const hadOld = fs.existsSync(dest);
  if (hadOld) fs.renameSync(dest, old);
  try {
    fs.renameSync(tmp, dest);
  } catch (err) {
    if (hadOld) fs.renameSync(old, dest);
    throw err;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}

/** Writes a file through a temporary sibling and a rename. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
