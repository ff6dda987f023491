/**
 * The size rule of the codebase (docs/architecture.md): no source file over
 * about 400 lines, no function over about 80. Measured with the TypeScript
 * parser: a function's lines run from its first token to its closing brace,
 * nested functions counted in their parent too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { LAYERS } from "./layers";

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

export interface Oversize {
  /** `file` or `file:line name`, from the repository root. */
  readonly where: string;
  readonly lines: number;
}

function sourcesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(root, rel));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** The source files of every layer (tests and generated bindings left out), from the repository root. */
export function layerSources(root: string): string[] {
  const files: string[] = [];
  for (const layer of Object.keys(LAYERS)) {
    if (layer === ".gen") continue;
    const full = path.join(root, layer);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) files.push(...sourcesUnder(root, layer));
    else files.push(layer);
  }
  return files.sort();
}

/** Files over MAX_FILE_LINES lines and functions over MAX_FUNCTION_LINES lines in `file`. */
export function oversizeIn(file: string, text: string): Oversize[] {
  const out: Oversize[] = [];
  const lines = text.split("\n").length;
  if (lines > MAX_FILE_LINES) out.push({ where: file, lines });
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const length = last - first + 1;
      const name = node.name !== undefined ? node.name.getText(source) : "(anonymous)";
      if (length > MAX_FUNCTION_LINES) out.push({ where: `${file}:${first + 1} ${name}`, lines: length });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The longest line the formatter is asked for (biome.jsonc, lineWidth), and every line must keep to. */
export const MAX_LINE_CHARACTERS = 120;

const NOT_OURS = new Set(["node_modules", "dist", ".gen", "cdktf.out", "coverage", ".git", ".terraform"]);

/** Every TypeScript and JavaScript file of the repository, tests included, from its root. */
export function codeFiles(root: string, dir = "."): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (NOT_OURS.has(entry.name) || entry.name.startsWith(".tmp") || entry.name.includes(".tmp-")) continue;
    const rel = dir === "." ? entry.name : path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...codeFiles(root, rel));
    else if (/\.(ts|js)$/.test(entry.name)) out.push(rel);
  }
  return out.sort();
}

/** `file:line (N characters)` for each line of `text` longer than MAX_LINE_CHARACTERS characters (not bytes). */
export function longLinesIn(file: string, text: string): string[] {
  return text.split("\n").flatMap((line, i) => {
    const length = [...line].length;
    return length > MAX_LINE_CHARACTERS ? [`${file}:${i + 1} (${length} characters)`] : [];
  });
}
