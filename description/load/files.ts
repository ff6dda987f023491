/**
 * The loader's files: the YAML files of a directory, each read once with its
 * checks before parsing (no private key pasted in, the schema comment for
 * editors), the adoption files (config/adopt/<env>.yaml), and the access to
 * the config directory that user_data files are read through.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { suggestionHint } from "../catalogue";
import { ADOPT_DIR, parseAdoption, type AdoptionSpec } from "../adopt";
import type { ConfigFiles } from "../checks";
import type { ConfigProblem } from "../problems";
import { privateKeyLines, PRIVATE_KEY_HINT, PRIVATE_KEY_MESSAGE } from "../sshkeys";
import { parseYaml, type Node } from "../yaml";

export const YAML_FILE = /\.ya?ml$/;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether the path is a directory (false when it cannot be read). */
export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The YAML files of a directory (not hidden ones), sorted; none when it cannot be read. */
export function listYaml(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => YAML_FILE.test(name) && !name.startsWith(".") && isFile(path.join(dir, name)))
      .sort();
  } catch {
    return [];
  }
}

/** Reads the files of one config directory; every problem goes to `problems`, in the order found. */
export class ConfigReader {
  private readonly adoptFiles: string[];

  constructor(
    private readonly base: string,
    private readonly display: (relative: string) => string,
    private readonly problems: ConfigProblem[],
  ) {
    this.adoptFiles = listYaml(path.join(base, ADOPT_DIR));
  }

  /** Reports adoption files whose name is no environment's. */
  checkAdoptionFiles(environments: readonly string[]): void {
    for (const name of this.adoptFiles) {
      const env = name.replace(YAML_FILE, "");
      if (!environments.includes(env)) {
        this.problems.push({
          file: this.display(`${ADOPT_DIR}/${name}`),
          path: "",
          message: `adoption file for an unknown environment "${env}"`,
          hint: suggestionHint(env, environments, "environments"),
        });
      }
    }
  }

  /** Reads and parses a description file whose first line must name `schema`; undefined when unreadable. */
  read(relative: string, schema: string): Node | undefined {
    const file = this.display(relative);
    const text = this.readText(file, path.join(this.base, relative));
    if (text === undefined) return undefined;
    checkSchemaComment(file, text, schema, this.problems);
    const parsed = parseYaml(file, text);
    this.problems.push(...parsed.problems);
    return parsed.root;
  }

  /** The adoption file of an environment (config/adopt/<env>.yaml), when there is one: see adopt.ts. */
  adoption(env: string): AdoptionSpec | undefined {
    const name = this.adoptFiles.find((n) => n.replace(YAML_FILE, "") === env);
    if (name === undefined) return undefined;
    const file = this.display(`${ADOPT_DIR}/${name}`);
    const text = this.readText(file, path.join(this.base, ADOPT_DIR, name));
    if (text === undefined) return undefined;
    const result = parseAdoption(file, text);
    if (!result.ok) {
      this.problems.push(...result.problems);
      return undefined;
    }
    return result.adoption;
  }

  /** A file's text, with a problem for each private key in it; undefined when it cannot be read (reported). */
  private readText(file: string, full: string): string | undefined {
    let text: string;
    try {
      text = readFileSync(full, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.problems.push({ file, path: "", message: `cannot read ${file}: ${reason}` });
      return undefined;
    }
    for (const line of privateKeyLines(text)) {
      this.problems.push({ file, line, col: 1, path: "", message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT });
    }
    return text;
  }
}

/** The first line names the JSON Schema for editors, the one expected. */
function checkSchemaComment(file: string, text: string, expected: string, problems: ConfigProblem[]): void {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0]!; // split gives at least one part
  const match = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/.exec(first);
  const wanted = `# yaml-language-server: $schema=${expected}`;
  if (!match) {
    problems.push({
      file,
      line: 1,
      col: 1,
      path: "",
      message: "the first line must name the JSON Schema for editors",
      hint: `start the file with: ${wanted}`,
    });
  } else if (path.posix.normalize(match[1]!) !== path.posix.normalize(expected)) {
    problems.push({
      file,
      line: 1,
      col: first.indexOf("$schema=") + 9,
      path: "",
      message: `the schema comment names ${match[1]}, not ${expected}`,
      hint: `write: ${wanted}`,
    });
  }
}

/** The config directory as the checks read user_data files: inside it, regular files only. */
export function configFiles(base: string, display: (relative: string) => string): ConfigFiles {
  return {
    display,
    read(relative) {
      const full = path.resolve(base, relative);
      if (!existsSync(full)) return { ok: false, reason: "missing" };
      try {
        const real = realpathSync(full);
        const realBase = realpathSync(base);
        if (real !== realBase && !real.startsWith(realBase + path.sep)) return { ok: false, reason: "outside" };
        if (!statSync(real).isFile()) return { ok: false, reason: "not-a-file" };
        return { ok: true, bytes: readFileSync(real) };
      } catch {
        return { ok: false, reason: "missing" };
      }
    },
  };
}
