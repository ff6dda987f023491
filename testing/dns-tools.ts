/**
 * The DNS tools of the zone file tests (BIND's named-checkzone, Knot's
 * kzonecheck, knotc, knotd and kdig): found on PATH or in the usual sbin
 * folders. A test group that needs a missing tool fails with the package to
 * install, unless ALL2ALL_SKIP_DNS_TOOLS=1, in which case it is skipped with
 * a printed notice: never a silent pass. (Not a test file: jest only runs
 * __tests__/**\/*.test.ts.)
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface DnsTool {
  /** The command, e.g. named-checkzone. */
  readonly name: string;
  /** The Debian package that provides it. */
  readonly pkg: string;
}

export const NAMED_CHECKZONE: DnsTool = { name: "named-checkzone", pkg: "bind9-utils" };
// Debian ships kzonecheck in knot-dnssecutils (Debian 12) or knot (later releases).
export const KZONECHECK: DnsTool = { name: "kzonecheck", pkg: "knot-dnssecutils" };
export const KNOTC: DnsTool = { name: "knotc", pkg: "knot" };
export const KNOTD: DnsTool = { name: "knotd", pkg: "knot" };
export const KDIG: DnsTool = { name: "kdig", pkg: "knot-dnsutils" };

/** The environment variable that turns a missing tool from a failure into a skip. */
export const SKIP_ENV = "ALL2ALL_SKIP_DNS_TOOLS";

/** The full path of a tool, or undefined. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [
    ...(env.PATH ?? "").split(path.delimiter),
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/usr/local/sbin",
    "/usr/local/bin",
  ];
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The message of a missing tool. */
export function missingToolMessage(tool: DnsTool): string {
  return (
    `${tool.name} not found: install ${tool.pkg} (apt-get install ${tool.pkg}), ` +
    `or set ${SKIP_ENV}=1 to skip the checks that need it`
  );
}

/**
 * `describe` for tests that need `tool`: with the tool, the tests run and get
 * its path; without it, one failing test says what to install, or (with
 * ALL2ALL_SKIP_DNS_TOOLS=1) the group is skipped with a printed notice.
 */
export function describeWithTool(
  tool: DnsTool,
  title: string,
  body: (bin: () => string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const bin = findTool(tool.name, env);
  if (bin !== undefined) {
    describe(title, () => body(() => bin));
    return;
  }
  if (env[SKIP_ENV] === "1") {
    // Printed when the file is loaded, so the skip is visible in every run.
    process.stderr.write(
      `NOTICE: skipping "${title}": ${tool.name} not found (${SKIP_ENV}=1); install ${tool.pkg} to run it\n`,
    );
    describe.skip(`${title} [SKIPPED: ${tool.name} not found, ${SKIP_ENV}=1]`, () => body(() => ""));
    return;
  }
  describe(title, () => {
    test(`${tool.name} is installed`, () => {
      throw new Error(missingToolMessage(tool));
    });
  });
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line, for messages. */
  readonly command: string;
}

export function runTool(bin: string, args: readonly string[], options: { cwd?: string } = {}): ToolRun {
  const result = spawnSync(bin, args, { cwd: options.cwd, encoding: "utf8", timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, command: [bin, ...args].join(" ") };
}

/** The strict checks of named-checkzone: names, MX, SRV and NS targets, integrity inside the zone. */
export const NAMED_CHECKZONE_STRICT = [
  "-k",
  "fail",
  "-m",
  "fail",
  "-M",
  "fail",
  "-n",
  "fail",
  "-r",
  "fail",
  "-S",
  "fail",
  "-i",
  "local",
];
