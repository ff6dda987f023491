/**
 * Writing outputs so that a reader never sees half of them: everything goes
 * to a temporary sibling first (same file system, so the final rename is
 * atomic per entry) and is moved into place only when complete.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { processAlive } from "./process-alive";

/**
 * Creates an empty temporary directory next to `dest`, whose parent must
 * exist (it is not created: an operator's typo should not make folders).
 */
export function tempSiblingDir(dest: string): string {
  const parent = path.dirname(dest);
  if (!fs.existsSync(parent) || !fs.statSync(parent).isDirectory())
    throw new Error(`the folder ${parent} does not exist`);
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

/**
 * What an interrupted replaceDir may leave beside `dest`, put right before a
 * new one starts: when `dest` is missing but a kept-aside previous version
 * (`<dest>.old-<pid>-<time>`) of a process that is gone exists, the newest is
 * moved back into place; the other leftovers of processes that are gone, and
 * temporary siblings (`<dest>.tmp-*`) older than `staleAfterMs`, are removed.
 * Returns what it did, one line each.
 */
export function recoverLeftovers(dest: string, staleAfterMs = 10 * 60_000, now = Date.now()): string[] {
  const parent = path.dirname(dest);
  const base = path.basename(dest);
  if (!fs.existsSync(parent)) return [];
  const done: string[] = [];
  const olds = fs
    .readdirSync(parent)
    .map((name) => ({
      name,
      m: new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.old-(\\d+)-(\\d+)$`).exec(name),
    }))
    .filter((o): o is { name: string; m: RegExpExecArray } => o.m !== null && !processAlive(Number(o.m[1])))
    .sort((a, b) => Number(b.m[2]) - Number(a.m[2]));
  if (!fs.existsSync(dest) && olds.length > 0) {
    fs.renameSync(path.join(parent, olds[0]!.name), dest);
    done.push(`restored ${dest} from ${olds[0]!.name}, left by an interrupted run`);
    olds.shift();
  }
  for (const o of olds) {
    fs.rmSync(path.join(parent, o.name), { recursive: true, force: true });
    done.push(`removed ${o.name}, left by an interrupted run`);
  }
  for (const name of fs.readdirSync(parent).filter((n) => n.startsWith(`${base}.tmp-`))) {
    const p = path.join(parent, name);
    if (now - fs.statSync(p).mtimeMs < staleAfterMs) continue;
    fs.rmSync(p, { recursive: true, force: true });
    done.push(`removed ${name}, left by an interrupted run`);
  }
  return done;
}
