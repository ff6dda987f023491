/**
 * `npm run sim -- [--port N] [--host 127.0.0.1|::1] [--engine] [--instant-actions]`: the simulated
 * Hetzner Cloud on its own, until interrupted. Prints its two base URLs as the
 * variables the hcloud provider reads and, with --engine, the variables that
 * point `all2all plan|deploy|output` at the engine `npm run engine` built
 * (its tofu first on PATH, its CLI configuration with the provider mirror), as
 * `export` lines for a shell to source (docs/disaster-recovery.md, "Drill").
 * --instant-actions finishes every action as it is created (as `all2all
 * rehearse` does), instead of when it is first read. The last line printed
 * is `# ready: …`.
 */
import * as path from "node:path";
import { ENGINE_HINT, engineEnv, findEngine } from "../engine/engine";
import { startSimulator } from "./server";

const USAGE = "usage: npm run sim -- [--port N] [--host 127.0.0.1|::1] [--engine] [--instant-actions]";

/** A shell word for an `export NAME=value` line. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(argv: string[]): Promise<number> {
  let port = 0;
  let host: "127.0.0.1" | "::1" = "127.0.0.1";
  let withEngine = false;
  let instantActions = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      console.log(
        `${USAGE}\n\nA local Hetzner Cloud API (and Hetzner API for storage boxes) on loopback, state in memory.\n` +
          ("--engine also prints the variables that make all2all plan|deploy|output " +
            "run the engine of `npm run engine` against it;\n") +
          "--instant-actions finishes every action as it is created.\n" +
          "See docs/rehearsal.md and docs/disaster-recovery.md.",
      );
      return 0;
    }
    const value = argv[i + 1];
    if (a === "--engine") {
      withEngine = true;
    } else if (a === "--instant-actions") {
      instantActions = true;
    } else if (a === "--port") {
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
        console.error(
          `sim: --port needs a number from 0 to 65535, ` +
            `got ${value === undefined ? "nothing" : JSON.stringify(value)}\n${USAGE}`,
        );
        return 2;
      }
      port = Number(value);
      i++;
    } else if (a === "--host") {
      if (value !== "127.0.0.1" && value !== "::1") {
        console.error(
          `sim: --host must be 127.0.0.1 or ::1 (loopback only), ` +
            `got ${value === undefined ? "nothing" : JSON.stringify(value)}\n${USAGE}`,
        );
        return 2;
      }
      host = value;
      i++;
    } else {
      console.error(`sim: unknown argument ${JSON.stringify(a)}\n${USAGE}`);
      return 2;
    }
  }
  const engine = withEngine ? findEngine(process.env) : undefined;
  if (withEngine && !engine) {
    console.error(`sim: --engine: the engine (OpenTofu and the hcloud provider) is not built: ${ENGINE_HINT}`);
    return 2;
  }
  const s = await startSimulator({ port, host, instantActions });
  console.log(`export HCLOUD_ENDPOINT=${s.cloudUrl}`);
  console.log(`export HETZNER_ENDPOINT=${s.hetznerUrl}`);
  if (engine) {
    for (const [k, v] of Object.entries(engineEnv(engine))) console.log(`export ${k}=${shellQuote(v)}`);
    console.log(`export PATH=${shellQuote(path.dirname(engine.tofu))}:"$PATH"`);
  }
  console.log("# ready: any 64-character token is accepted; interrupt (Ctrl-C) to stop");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await s.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
