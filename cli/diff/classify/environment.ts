/**
 * Environments as a whole: which firewalls cover which servers, before and
 * after, and the dangers that follow ({@link classifyEnvironments}).
 */
import { matches, parseSelector, type Requirement } from "../../../policies/selectors";
import { isPlainObject } from "../values";
import type { Body, ChangeFinder, SideResource } from "./common";
import { describeWorldRules, type WorldRule, worldRules } from "./firewall";
import { classifyNetworkRanges } from "./hetzner";

/** The environment a stack belongs to: `production-servers` → `production`. */
/** Whether two blocks are one: the same address in the same stack. */
function sameBlock(a: { address: string; stack: string }, b: { address: string; stack: string }): boolean {
  return a.address === b.address && a.stack === b.stack;
}

export function environmentOf(stack: string): string {
  const dash = stack.lastIndexOf("-");
  return dash > 0 ? stack.slice(0, dash) : stack;
}

interface EnvSide {
  readonly servers: Map<string, SideResource>;
  readonly firewalls: Map<
    string,
    { resource: SideResource; selectors: (Requirement[] | undefined)[]; world: WorldRule[] }
  >;
  /** Firewall attachments, or servers with firewall_ids: coverage this analysis cannot read. */
  readonly opaque: boolean;
}

function key(r: { stack: string; address: string }): string {
  return `${r.stack}\u0000${r.address}`;
}

function indexSide(resources: readonly SideResource[]): Map<string, EnvSide> {
  const envs = new Map<string, EnvSide>();
  const envOf = (stack: string): EnvSide => {
    const name = environmentOf(stack);
    let env = envs.get(name);
    if (!env) {
      env = { servers: new Map(), firewalls: new Map(), opaque: false };
      envs.set(name, env);
    }
    return env;
  };
  for (const r of resources) {
    const env = envOf(r.stack);
    if (r.type === "hcloud_server") env.servers.set(key(r), r);
    if (r.type === "hcloud_firewall") {
      const applyTo = Array.isArray(r.body.apply_to) ? r.body.apply_to : [];
      const selectors = applyTo
        .filter((a): a is Body => isPlainObject(a) && typeof a.label_selector === "string" && a.label_selector !== "")
        .map((a) => parseSelector(a.label_selector as string));
      env.firewalls.set(key(r), { resource: r, selectors, world: worldRules(r.body) });
      if (applyTo.some((a) => isPlainObject(a) && a.server !== undefined && a.server !== null))
        (env as { opaque: boolean }).opaque = true;
    }
    if (r.type === "hcloud_firewall_attachment") (env as { opaque: boolean }).opaque = true;
  }
  return envs;
}

function labelsOf(body: Body): Record<string, unknown> {
  return isPlainObject(body.labels) ? body.labels : {};
}

function firewallIdsOf(body: Body): boolean {
  return Array.isArray(body.firewall_ids) && body.firewall_ids.length > 0;
}

function covering(env: EnvSide, server: SideResource): string[] {
  const labels = labelsOf(server.body);
  return [...env.firewalls.entries()]
    .filter(([, fw]) => fw.selectors.some((s) => s !== undefined && matches(s, labels)))
    .map(([k]) => k);
}

function nameOfKey(k: string): { stack: string; address: string } {
  // Keys are made by key(): `${stack}\u0000${address}`, so both parts are there.
  const [stack, address] = k.split("\u0000");
  return { stack: stack!, address: address! };
}
/**
 * Adds the environment-wide dangers: a network whose new range leaves out a
 * subnet of it; a server that existed before and now falls under a firewall
 * (that existed before) open to the world; a server under no firewall at all
 * (every port open); and, on each new server, the firewalls that apply to
 * it (in its summary) and what the world can reach on it (a note).
 */
export function classifyEnvironments(
  base: readonly SideResource[],
  head: readonly SideResource[],
  find: ChangeFinder,
): void {
  classifyNetworkRanges(base, head, find);
  const baseEnvs = indexSide(base);
  for (const [envName, env] of indexSide(head)) {
    const before = baseEnvs.get(envName);
    for (const [serverKey, server] of env.servers) {
      const now = covering(env, server);
      const was = before?.servers.get(serverKey);
      const covered = now.length > 0 || firewallIdsOf(server.body) || env.opaque;
      // Without any firewall in sight (a plan of the servers stack alone), coverage cannot be judged.
      const visible = env.firewalls.size > 0 || (before?.firewalls.size ?? 0) > 0;
      if (!covered && !visible) continue;
      if (was === undefined) {
        // What a reviewer checks on a new server: the firewalls that apply to it (label selectors of firewalls in
        // sight).
        const names = now.map((k) => nameOfKey(k).address.replace(/^hcloud_firewall\./, ""));
        const through = [
          ...(names.length > 0
            ? [`firewall${names.length === 1 ? "" : "s"} ${names.join(", ")} (label selectors)`]
            : []),
          ...(env.opaque ? ["firewalls attached by server or hcloud_firewall_attachment (not read here)"] : []),
        ];
        find(server).summary.push(
          ...(through.length > 0 ? through : firewallIdsOf(server.body) ? [] : ["no firewall applies"]),
        );
      }
      if (!covered) {
        const hadFirewall =
          was !== undefined &&
          before !== undefined &&
          (covering(before, was).length > 0 || firewallIdsOf(was.body) || before.opaque);
        if (was === undefined || hadFirewall) {
          find(server).dangers.push({
            class: "world-open",
            attribute: "labels",
            message:
              `no firewall applies ` +
              `to ${was === undefined ? "the new server" : "the server any more"}: every port it ` +
              `listens on is open to the whole Internet`,
          });
        }
        continue;
      }
      if (was === undefined) {
        const world = now.flatMap((k) => env.firewalls.get(k)!.world);
        if (world.length > 0) {
          const names = now.map((k) => nameOfKey(k).address.replace(/^hcloud_firewall\./, "")).join(", ");
          find(server).notes.push(
            `open to the world through firewall${now.length === 1 ? "" : "s"} ${names}: ${describeWorldRules(world)}`,
          );
        }
        continue;
      }
      if (before === undefined) continue;
      const old = new Set(covering(before, was));
      for (const fwKey of now) {
        if (old.has(fwKey) || !before.firewalls.has(fwKey)) continue;
        const fw = env.firewalls.get(fwKey)!;
        if (fw.world.length === 0) continue;
        const fwName = nameOfKey(fwKey);
        const target = find(server, fw.resource);
        target.dangers.push({
          class: "world-open",
          attribute: "labels",
          message:
            `${sameBlock(target, server) ? "the server" : `${server.address} (${server.stack})`} now ` +
            `falls under firewall ${fwName.address} (${fwName.stack}), which opens ${describeWorldRules(fw.world)} ` +
            `to the whole Internet`,
        });
      }
    }
  }
}
