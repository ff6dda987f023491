/**
 * What `npm test` needs besides npm's packages, made present before jest
 * starts, so that the test command passes on a fresh machine as it comes:
 *
 * - Debian's DNS tools for the zone file tests (named-checkzone, kzonecheck,
 *   knotc, knotd, kdig): installed with apt-get when missing and the command
 *   runs as root on a Debian machine;
 * - the engine (OpenTofu and the hcloud provider, `npm run engine`): built
 *   into its cache when missing and Go is on PATH;
 * - versitygw, the S3-compatible server of the state-locking tests
 *   (engine/s3.ts): built beside the engine when missing, the same way.
 *
 * What cannot be installed is reported at once, in one message that names
 * each missing tool and how to get it (exit 2). Nothing is skipped silently:
 * ALL2ALL_SKIP_DNS_TOOLS=1 and ALL2ALL_SKIP_E2E=1 skip those tests, and the
 * skip is printed here and by the tests themselves.
 */
import { spawnSync } from "node:child_process";
import { buildEngine, buildVersitygw, ENGINE_HINT, findEngine, findVersitygw, VERSITYGW_HINT } from "../engine/engine";
import { findOnPath } from "../cli/deploy/binary";

interface Tool {
  readonly command: string;
  readonly pkg: string;
}

/** The DNS tools of the zone file tests, with the Debian package of each (testing/dns-tools.ts). */
export const DNS_TOOLS: readonly Tool[] = [
  { command: "named-checkzone", pkg: "bind9-utils" },
  { command: "kzonecheck", pkg: "knot-dnssecutils" },
  { command: "knotc", pkg: "knot" },
  { command: "knotd", pkg: "knot" },
  { command: "kdig", pkg: "knot-dnsutils" },
];

const log = (line: string): void => {
  process.stderr.write(`prerequisites: ${line}\n`);
};

/** The tools of `tools` that are not on PATH (sbin included, where Debian puts knotd). */
export function missingTools(tools: readonly Tool[], env: NodeJS.ProcessEnv): Tool[] {
  const pathWithSbin = { ...env, PATH: [env.PATH ?? "", "/usr/sbin", "/sbin"].join(":") };
  return tools.filter((t) => findOnPath(t.command, pathWithSbin) === undefined);
}

function canApt(env: NodeJS.ProcessEnv): boolean {
  return process.getuid?.() === 0 && findOnPath("apt-get", env) !== undefined;
}

function aptInstall(pkgs: readonly string[], env: NodeJS.ProcessEnv): boolean {
  log(`installing ${pkgs.join(" ")} with apt-get (Debian's packages)`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { env: aptEnv, stdio: ["ignore", "ignore", "inherit"] });
  if (update.status !== 0) return false;
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...pkgs], {
    env: aptEnv,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return install.status === 0;
}

export async function prerequisites(env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];

  if (env.ALL2ALL_SKIP_DNS_TOOLS === "1") {
    log("ALL2ALL_SKIP_DNS_TOOLS=1: the tests that need the DNS tools are skipped (each prints a NOTICE)");
  } else {
    let missing = missingTools(DNS_TOOLS, env);
    if (missing.length > 0 && canApt(env)) {
      aptInstall([...new Set(missing.map((t) => t.pkg))], env);
      missing = missingTools(DNS_TOOLS, env);
    }
    for (const t of missing)
      problems.push(
        `${t.command} is missing: install Debian's ${t.pkg} (apt-get install ${t.pkg}, as ` +
          `root), or set ALL2ALL_SKIP_DNS_TOOLS=1 to skip the tests that need it`,
      );
  }

  if (env.ALL2ALL_SKIP_E2E === "1") {
    log(
      "ALL2ALL_SKIP_E2E=1: the end-to-end tests (real OpenTofu and hcloud provider against the simulator) are skipped",
    );
  } else if (!findEngine(env)) {
    if (findOnPath("go", env) === undefined) {
      problems.push(
        `the engine is not built and Go is not on PATH: install Go 1.26 (Debian: golang; ` +
          `https://go.dev/doc/install) with access to the Go module proxy, then ${ENGINE_HINT}; or set ` +
          `ALL2ALL_SKIP_E2E=1 to skip the end-to-end tests`,
      );
    } else {
      log(`the engine is not built: building it now (${ENGINE_HINT.replace(/^run /, "")})`);
      try {
        await buildEngine(env, (line) => log(line));
      } catch (err) {
        problems.push(`the engine could not be built: ${(err as Error).message}`);
      }
    }
  }
  if (env.ALL2ALL_SKIP_E2E !== "1" && !findVersitygw(env)) {
    if (findOnPath("go", env) === undefined) {
      problems.push(
        `versitygw is not built and Go is not on PATH: install Go 1.26 (Debian: golang) with access to the Go ` +
          `module proxy, then ${VERSITYGW_HINT}; or set ALL2ALL_SKIP_E2E=1 to skip the end-to-end tests`,
      );
    } else {
      log(`versitygw is not built: building it now (${VERSITYGW_HINT.replace(/^run /, "")})`);
      try {
        await buildVersitygw(env, (line) => log(line));
      } catch (err) {
        problems.push(`versitygw could not be built: ${(err as Error).message}`);
      }
    }
  }
  return problems;
}

if (require.main === module) {
  prerequisites(process.env).then(
    (problems) => {
      if (problems.length === 0) return;
      process.stderr.write(`npm test cannot run on this machine yet:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
      process.exitCode = 2;
    },
    (err) => {
      process.stderr.write(`prerequisites: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
