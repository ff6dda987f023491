/**
 * The zone files of a side, rendered with the side's own code (renderZones),
 * and the fixed "today" of their serials.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { tail } from "./side-output";

import { captureIo } from "../io";
import { run } from "./git";

import type { ZoneRendering } from "./zones";

import type { Side } from "./side-output";

/** A fixed "today" for zone serials (seconds since 1970): $SOURCE_DATE_EPOCH when valid, else now. */
export function zoneEpoch(env: NodeJS.ProcessEnv): string {
  const given = env.SOURCE_DATE_EPOCH;
  return given !== undefined && /^[0-9]{1,12}$/.test(given) ? given : String(Math.floor(Date.now() / 1000));
}

/** A built copy's own `all2all zonefile` for one environment (`--knot` when asked). */
function copyZonefile(
  renderer: Extract<Side["zones"], { kind: "copy" }>,
  env: string,
  out: string,
  epoch: string,
  knot: boolean,
): ReturnType<typeof run> {
  const bin = path.join(renderer.tree, "bin", "all2all.js");
  const args = [
    bin,
    "zonefile",
    "--env",
    env,
    "--config",
    renderer.configDir,
    "--out",
    out,
    ...(knot ? ["--knot"] : []),
  ];
  return run(process.execPath, args, { cwd: renderer.tree, env: { ...renderer.env, SOURCE_DATE_EPOCH: epoch } });
}

/**
 * Renders the zone files of the given environments as the side's own
 * `all2all zonefile --env E --out DIR --knot` does (in this process for the
 * working tree and a ref of the same code, else the built copy's own
 * command), into `dir/<env>`, each started from `previous/<env>` (the
 * base's files: the serial then changes only with the content).
 */
export async function renderZones(
  side: Side,
  envs: readonly string[],
  dir: string,
  previous: string | undefined,
  epoch: string,
  label: string,
): Promise<ZoneRendering> {
  const zones = new Map<string, Map<string, string>>();
  const knot = new Map<string, Map<string, string>>();
  const unavailable = new Map<string, string>();
  const notes: string[] = [];
  const renderer = side.zones;
  let withKnot = true;
  fs.mkdirSync(dir, { recursive: true });
  for (const env of envs) {
    if (renderer.kind === "none") {
      // A side without the environment: no zones (the other side's are all new, or all gone).
      zones.set(env, new Map());
      knot.set(env, new Map());
      continue;
    }
    const out = path.join(dir, env);
    if (previous !== undefined && fs.existsSync(path.join(previous, env)))
      fs.cpSync(path.join(previous, env), out, { recursive: true });
    let failure: string | undefined;
    if (renderer.kind === "here") {
      const { runZonefile } = await import("../zonefile.js");
      const io = captureIo({ SOURCE_DATE_EPOCH: epoch }, renderer.cwd);
      const code = await runZonefile({ config: renderer.configDir, env, out, knot: true }, io);
      if (code !== 0) failure = tail(io.stderr.join("\n"), 5);
    } else {
      const command = (knotFlag: boolean) => copyZonefile(renderer, env, out, epoch, knotFlag);
      let r = command(withKnot);
      if (r.status !== 0 && withKnot && /unknown option '--knot'/.test(r.stderr)) {
        withKnot = false;
        notes.push(`${label}: its \`all2all zonefile\` has no --knot: its Knot configuration is not rendered`);
        r = command(false);
      }
      if (r.status !== 0 && /unknown command 'zonefile'/.test(r.stderr)) {
        notes.push(`${label}: its code has no \`all2all zonefile\`: its zone files cannot be rendered`);
        for (const e of envs) unavailable.set(e, "its code has no `all2all zonefile`");
        break;
      }
      if (r.status !== 0) failure = tail(r.stderr || r.stdout, 5);
    }
    if (failure !== undefined) {
      unavailable.set(env, `\`all2all zonefile --env ${env}\` fails: ${failure.replace(/\n/g, " ")}`);
      continue;
    }
    const files = new Map<string, string>();
    const confs = new Map<string, string>();
    if (fs.existsSync(out)) {
      for (const entry of fs.readdirSync(out).sort())
        if (entry.endsWith(".zone"))
          files.set(entry.slice(0, -".zone".length), fs.readFileSync(path.join(out, entry), "utf8"));
      const knotDir = path.join(out, "knot");
      if (fs.existsSync(knotDir))
        for (const entry of fs.readdirSync(knotDir).sort())
          if (entry.endsWith(".conf")) confs.set(`knot/${entry}`, fs.readFileSync(path.join(knotDir, entry), "utf8"));
    }
    zones.set(env, files);
    if (withKnot) knot.set(env, confs);
  }
  return { zones, knot, unavailable, notes };
}
