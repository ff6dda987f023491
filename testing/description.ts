/**
 * Helpers for the config tests (not a test file: jest only runs *.test.ts).
 * Each test works on a copy of the default config in a temporary directory,
 * changed by text edits, so the expected line numbers are computed from the
 * edited text itself.
 */
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runCheck } from "../cli/check";
import { captureIo } from "../cli/io";
import { defaultConfig, repoRoot } from "./tmp";

export const REPO = repoRoot;
export const DEFAULT_CONFIG = defaultConfig;

export interface Workspace {
  /** The temporary root; the config is in `<root>/config`. */
  readonly root: string;
  read(file: string): string;
  write(file: string, text: string): void;
  /** Replaces exactly one occurrence of `from` (fails loudly otherwise). */
  replace(file: string, from: string, to: string): void;
  /** 1-based line of the first line containing `needle` (after `after`, if given). */
  line(file: string, needle: string, after?: string): number;
  remove(): void;
}

export function workspace(): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), "all2all-spec-"));
  cpSync(DEFAULT_CONFIG, path.join(root, "config"), { recursive: true });
  const full = (file: string): string => path.join(root, file);
  const ws: Workspace = {
    root,
    read: (file) => readFileSync(full(file), "utf8"),
    write: (file, text) => writeFileSync(full(file), text),
    replace(file, from, to) {
      const text = ws.read(file);
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`expected exactly one ${JSON.stringify(from)} in ${file}, found ${count}`);
      ws.write(
        file,
        text.replace(from, () => to),
      );
    },
    line(file, needle, after) {
      const lines = ws.read(file).split("\n");
      let start = 0;
      if (after !== undefined) {
        start = lines.findIndex((l) => l.includes(after));
        if (start < 0) throw new Error(`${JSON.stringify(after)} not found in ${file}`);
      }
      const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
      if (index < 0) throw new Error(`${JSON.stringify(needle)} not found in ${file}`);
      return index + 1;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  return ws;
}

export interface CheckRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

export async function check(
  root: string,
  options: { config?: string; env?: string; vars?: Record<string, string> } = {},
): Promise<CheckRun> {
  const io = captureIo(options.vars ?? {}, root);
  const code = await runCheck({ config: options.config, env: options.env }, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface Expected {
  readonly file: string;
  /** Omitted for problems about a directory or a whole file. */
  readonly line?: number;
  /** The YAML path; "" for a whole file. */
  readonly path: string;
  readonly message: RegExp;
}

/** The printed problem line matching file, line, path and message, or a failure listing what was printed. */
export function findProblem(run: CheckRun, expected: Expected): string {
  const location =
    expected.line === undefined
      ? escapeRegExp(expected.file)
      : `${escapeRegExp(expected.file)}:${expected.line}(?::\\d+)?`;
  const pathPart = expected.path === "" ? "" : `${escapeRegExp(expected.path)}  `;
  const pattern = new RegExp(`^  ${location}  ${pathPart}`);
  const match = run.stderr.find((line) => pattern.test(line) && expected.message.test(line.replace(pattern, "")));
  if (!match) {
    throw new Error(
      `no problem ${expected.file}:${expected.line ?? "-"}  ${expected.path}  ${expected.message} in ` +
        `(exit ${run.code}):\n${run.stderr.join("\n") || "(nothing on stderr)"}`,
    );
  }
  return match;
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

function mpint(data: Buffer): Buffer {
  // A leading byte with the high bit set would read as negative: prefix a zero byte.
  return sshString((data[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), data]) : data);
}

/** A fresh OpenSSH RSA public key line (the private half is discarded). */
export function rsaPublicKey(bits: number): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    mpint(Buffer.from(jwk.e as string, "base64url")),
    mpint(Buffer.from(jwk.n as string, "base64url")),
  ]);
  return `ssh-rsa ${blob.toString("base64")} test-key-${bits}`;
}

/** A fresh OpenSSH ed25519 public key line. */
export function ed25519PublicKey(comment = "test-key"): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const x = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(x)]).toString("base64");
  return `ssh-ed25519 ${blob} ${comment}`;
}

/**
 * The text of a "pasted private key", built at run time so that the
 * repository never contains a private key header line.
 */
export function pastedPrivateKey(): string {
  const kind = ["OPEN", "SSH"].join("");
  const dashes = "-".repeat(5);
  const header = `${dashes}${"BEGIN"} ${kind} ${"PRIVATE"} KEY${dashes}`;
  const footer = `${dashes}${"END"} ${kind} ${"PRIVATE"} KEY${dashes}`;
  return [header, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", footer].join("\n");
}
