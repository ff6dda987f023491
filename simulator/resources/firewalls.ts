/**
 * Firewalls: rules, and the servers they apply to, directly or by label selector.
 *
 * Why: `hcloud_firewall` (rules, `apply_to`), `hcloud_firewall_attachment` and
 * `hcloud_server.firewall_ids` must apply against the simulated cloud as they
 * do against Hetzner. Rules are checked as Hetzner checks them (a port for TCP
 * and UDP only, source addresses for inbound and destination addresses for
 * outbound rules, CIDRs without host bits) and answered as they were sent, the
 * provider compares strings. A label selector's servers are those whose labels
 * match it when read (`applied_to_resources`), and every server's view lists
 * the firewalls that apply to it (`public_net.firewalls`). A firewall still
 * applied to anything cannot be deleted (`resource_in_use`).
 *
 * Imports: ../core, ../crud (the per-resource actions endpoints among them)
 * and primitives/ip.ts (address parsing). Entry point: {@link registerFirewalls}.
 */
import {
  ApiError,
  type Action,
  type Sim,
  checkLabels,
  checkUniqueName,
  invalidInput,
  labelSelector,
  notFound,
  ok,
  requireString,
} from "../core";
import { type ResourceNames, namedView, resourceRoutes, updateNameAndLabels } from "../crud";
import { parseCidr } from "../../primitives/ip";

interface Rule {
  direction: "in" | "out";
  protocol: string;
  port: string | null;
  source_ips: string[];
  destination_ips: string[];
  description: string | null;
}

/** What a firewall is applied to, as stored: a server, or a label selector. */
type Target =
  | { type: "server"; server: { id: number } }
  | { type: "label_selector"; label_selector: { selector: string } };

interface FirewallRecord {
  id: number;
  name: string;
  created: string;
  labels: Record<string, string>;
  rules: Rule[];
  applied_to: Target[];
}

const PROTOCOLS_WITH_PORT: readonly string[] = ["tcp", "udp"];
const PROTOCOLS_WITHOUT_PORT: readonly string[] = ["icmp", "esp", "gre"];
/** Hetzner's limit of addresses in one rule's source or destination list. */
const MAX_CIDRS = 100;

const firewallsOf = (sim: Sim): Map<number, FirewallRecord> => sim.collection<FirewallRecord>("firewalls");

// ---------------------------------------------------------------- rules

/** One rule of a request, checked as Hetzner checks it; kept as sent. */
function checkRule(raw: unknown, field: string): Rule {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidInput(field, "must be an object");
  const r = raw as Record<string, unknown>;
  if (r.direction !== "in" && r.direction !== "out") throw invalidInput(`${field}.direction`, "must be in or out");
  const protocol = r.protocol;
  if (typeof protocol !== "string" || ![...PROTOCOLS_WITH_PORT, ...PROTOCOLS_WITHOUT_PORT].includes(protocol)) {
    throw invalidInput(
      `${field}.protocol`,
      `must be one of ${[...PROTOCOLS_WITH_PORT, ...PROTOCOLS_WITHOUT_PORT].join(", ")}`,
    );
  }
  const port = r.port === undefined || r.port === null ? null : r.port;
  if (PROTOCOLS_WITH_PORT.includes(protocol)) {
    if (port === null) throw invalidInput(`${field}.port`, `is required for protocol ${protocol}`);
    checkPort(port, `${field}.port`);
  } else if (port !== null) {
    throw invalidInput(`${field}.port`, `is not allowed for protocol ${protocol}`);
  }
  const inbound = r.direction === "in";
  const source = checkCidrs(r.source_ips, `${field}.source_ips`);
  const destination = checkCidrs(r.destination_ips, `${field}.destination_ips`);
  if (inbound && source.length === 0) throw invalidInput(`${field}.source_ips`, "is required for an inbound rule");
  if (inbound && destination.length > 0)
    throw invalidInput(`${field}.destination_ips`, "is not allowed for an inbound rule");
  if (!inbound && destination.length === 0)
    throw invalidInput(`${field}.destination_ips`, "is required for an outbound rule");
  if (!inbound && source.length > 0) throw invalidInput(`${field}.source_ips`, "is not allowed for an outbound rule");
  const description = r.description === undefined || r.description === null ? null : r.description;
  if (description !== null && (typeof description !== "string" || description.length > 255)) {
    throw invalidInput(`${field}.description`, "must be a string of at most 255 characters");
  }
  return {
    direction: r.direction,
    protocol,
    port: port as string | null,
    source_ips: source,
    destination_ips: destination,
    description,
  };
}

/** A port: `any`, a number from 1 to 65535, or a range `from-to` of such numbers. */
function checkPort(port: unknown, field: string): void {
  const valid = (s: string): boolean => /^[1-9]\d{0,4}$/.test(s) && Number(s) <= 65535;
  if (typeof port !== "string") throw invalidInput(field, "must be a string");
  if (port === "any" || valid(port)) return;
  const m = port.match(/^(\d+)-(\d+)$/);
  if (m && valid(m[1]!) && valid(m[2]!) && Number(m[1]) <= Number(m[2])) return;
  throw invalidInput(field, `"${port}" is not a port (1-65535), a range like 80-85, or any`);
}

function checkCidrs(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, "must be a list of CIDRs");
  if (raw.length > MAX_CIDRS) throw invalidInput(field, `must hold at most ${MAX_CIDRS} CIDRs`);
  return raw.map((v) => {
    const c = typeof v === "string" ? parseCidr(v) : undefined;
    if (!c) throw invalidInput(field, `${JSON.stringify(v)} is not an IPv4 or IPv6 CIDR`);
    if (c.hostBitsSet)
      throw invalidInput(
        field,
        `${String(v)} has host bits set: give the network's first address, or a /32 (/128) for one host`,
      );
    return v as string;
  });
}

function checkRules(raw: unknown, field: string): Rule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, "must be a list of rules");
  return raw.map((r, i) => checkRule(r, `${field}[${i}]`));
}

// ---------------------------------------------------------------- targets

const servers = (sim: Sim): Map<number, any> => sim.collection("servers");

/**
 * Whether a server has a public interface: its record's `public_net` where it
 * has one, else a primary IP assigned to it (the compute module's records).
 */
function hasPublicInterface(sim: Sim, server: any): boolean {
  const pn = server?.public_net;
  if (pn !== undefined && pn !== null) return Boolean(pn.ipv4 || pn.ipv6);
  return [...sim.collection("primary_ips").values()].some((p: any) => p.assignee_id === server?.id);
}

const sameTarget = (a: Target, b: Target): boolean =>
  a.type === "server"
    ? b.type === "server" && a.server.id === b.server.id
    : b.type === "label_selector" && a.label_selector.selector === b.label_selector.selector;

/** One `apply_to`/`remove_from` entry of a request, its server or selector checked. */
function checkTarget(sim: Sim, raw: unknown, field: string): Target {
  const t = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, any>;
  if (t.type === "server") {
    const id = t.server?.id;
    if (!Number.isInteger(id)) throw invalidInput(`${field}.server.id`, "is required for type server");
    if (!servers(sim).has(id)) throw new ApiError(404, "firewall_resource_not_found", `server ${id} not found`);
    return { type: "server", server: { id } };
  }
  if (t.type === "label_selector") {
    const selector = t.label_selector?.selector;
    if (typeof selector !== "string" || selector.trim() === "")
      throw invalidInput(`${field}.label_selector.selector`, "is required for type label_selector");
    labelSelector(selector); // refuses a selector that does not parse
    return { type: "label_selector", label_selector: { selector } };
  }
  throw invalidInput(`${field}.type`, "must be server or label_selector");
}

function checkTargets(sim: Sim, raw: unknown, field: string): Target[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, "must be a list");
  const out: Target[] = [];
  raw.forEach((r, i) => {
    const t = checkTarget(sim, r, `${field}[${i}]`);
    if (out.some((o) => sameTarget(o, t))) {
      throw new ApiError(422, "server_already_added", `${describe(t)} is given more than once`);
    }
    out.push(t);
  });
  return out;
}

const describe = (t: Target): string =>
  t.type === "server" ? `server ${t.server.id}` : `label selector "${t.label_selector.selector}"`;

/** The servers a label selector matches now, by id. */
function selected(sim: Sim, selector: string): number[] {
  const match = labelSelector(selector);
  return [...servers(sim).values()]
    .filter((s) => match(s.labels ?? {}))
    .map((s) => s.id as number)
    .sort((a, b) => a - b);
}

/** Whether the firewall applies to the server record, directly or by one of its label selectors. */
function appliesTo(fw: FirewallRecord, server: any): boolean {
  return fw.applied_to.some((t) =>
    t.type === "server" ? t.server.id === server.id : labelSelector(t.label_selector.selector)(server.labels ?? {}),
  );
}

/** Applies targets to a firewall, all checked before any is applied. */
function apply(sim: Sim, fw: FirewallRecord, targets: readonly Target[]): Action[] {
  for (const t of targets) {
    if (fw.applied_to.some((o) => sameTarget(o, t))) {
      throw new ApiError(409, "firewall_already_applied", `firewall ${fw.id} is already applied to ${describe(t)}`);
    }
    if (t.type === "server" && !hasPublicInterface(sim, servers(sim).get(t.server.id))) {
      throw new ApiError(
        422,
        "private_net_only_server",
        `server ${t.server.id} has no public interface to apply firewall ${fw.id} to`,
      );
    }
  }
  fw.applied_to.push(...targets);
  return targets.map((t) => sim.action("apply_firewall", actionResources(fw, t)));
}

/** Removes targets from a firewall, all checked before any is removed. */
function remove(sim: Sim, fw: FirewallRecord, targets: readonly Target[]): Action[] {
  for (const t of targets) {
    if (fw.applied_to.some((o) => sameTarget(o, t))) continue;
    if (t.type === "server" && appliesTo(fw, servers(sim).get(t.server.id))) {
      throw new ApiError(
        422,
        "firewall_managed_by_label_selector",
        `firewall ${fw.id} applies to server ${t.server.id} by a label selector; remove the selector instead`,
      );
    }
    throw new ApiError(409, "firewall_already_removed", `firewall ${fw.id} is not applied to ${describe(t)}`);
  }
  fw.applied_to = fw.applied_to.filter((o) => !targets.some((t) => sameTarget(o, t)));
  return targets.map((t) => sim.action("remove_firewall", actionResources(fw, t)));
}

function actionResources(fw: FirewallRecord, t: Target): { id: number; type: string }[] {
  const own = { id: fw.id, type: "firewall" };
  return t.type === "server" ? [own, { id: t.server.id, type: "server" }] : [own];
}

// ---------------------------------------------------------------- views and routes

function firewallView(sim: Sim, fw: FirewallRecord): unknown {
  return sim.view("firewall", fw, {
    ...namedView(fw),
    created: fw.created,
    rules: fw.rules.map((r) => ({ ...r, source_ips: [...r.source_ips], destination_ips: [...r.destination_ips] })),
    applied_to: fw.applied_to.map((t) =>
      t.type === "server"
        ? { type: "server", server: { id: t.server.id } }
        : {
            type: "label_selector",
            label_selector: { selector: t.label_selector.selector },
            applied_to_resources: selected(sim, t.label_selector.selector).map((id) => ({
              type: "server",
              server: { id },
            })),
          },
    ),
  });
}

/**
 * The `firewalls` of a server's create request (`[{firewall: id}]`), checked:
 * each firewall exists. Returns what applies them to the server directly, to
 * run once every part of the request has been checked.
 */
export function prepareServerFirewalls(sim: Sim, record: any, body: Record<string, any>): () => void {
  const list = body.firewalls;
  if (list === undefined || list === null) return () => {};
  if (!Array.isArray(list)) throw invalidInput("firewalls", "must be a list of {firewall: id}");
  const ids = list.map((f, i) => {
    if (!Number.isInteger(f?.firewall))
      throw invalidInput(`firewalls[${i}].firewall`, "is required (the firewall's ID)");
    return f.firewall as number;
  });
  const wanted = [...new Set(ids)].map((id) => {
    const fw = firewallsOf(sim).get(id);
    if (!fw) throw notFound("firewall", id);
    return fw;
  });
  return () => {
    for (const fw of wanted) fw.applied_to.push({ type: "server", server: { id: record.id } });
  };
}

const NAMES: ResourceNames = { plural: "firewalls", singular: "firewall", what: "firewall" };

/** Hetzner refuses to delete a firewall still applied to anything (`resource_in_use`). */
function refuseWhileApplied(fw: FirewallRecord): void {
  if (fw.applied_to.length > 0) {
    const targets = fw.applied_to.map(describe).join(", ");
    const message = `firewall ${fw.id} is still applied to ${targets}; remove it from them first`;
    throw new ApiError(422, "resource_in_use", message);
  }
}

export function registerFirewalls(sim: Sim): void {
  const firewalls = firewallsOf(sim);
  const view = (fw: FirewallRecord) => firewallView(sim, fw);
  const get = resourceRoutes(sim, firewalls, { ...NAMES, view, beforeDelete: refuseWhileApplied });

  sim.route("cloud", "POST", "/firewalls", (req) => {
    const name = requireString(req.body, "name");
    checkUniqueName(firewalls, name, "firewall");
    const labels = checkLabels(req.body.labels);
    const rules = checkRules(req.body.rules, "rules");
    const targets = checkTargets(sim, req.body.apply_to, "apply_to");
    const fw: FirewallRecord = { id: sim.id(), name, created: sim.now(), labels, rules, applied_to: [] };
    const actions = apply(sim, fw, targets);
    firewalls.set(fw.id, fw);
    return ok({ firewall: view(fw), actions }, 201);
  });
  sim.route("cloud", "PUT", "/firewalls/:id", (req) => {
    const fw = get(req);
    updateNameAndLabels(firewalls, fw, req.body, "firewall");
    return ok({ firewall: view(fw) });
  });
  sim.route("cloud", "POST", "/firewalls/:id/actions/set_rules", (req) => {
    const fw = get(req);
    if (!("rules" in req.body)) throw invalidInput("rules", "is required (an empty list removes every rule)");
    fw.rules = checkRules(req.body.rules, "rules");
    const own = { id: fw.id, type: "firewall" };
    const appliedServers = [...servers(sim).values()].filter((s) => appliesTo(fw, s));
    const actions = [
      sim.action("set_firewall_rules", [own]),
      ...appliedServers.map((s) => sim.action("apply_firewall", [own, { id: s.id, type: "server" }])),
    ];
    return ok({ actions }, 201);
  });
  sim.route("cloud", "POST", "/firewalls/:id/actions/apply_to_resources", (req) => {
    const fw = get(req);
    if (!Array.isArray(req.body.apply_to)) throw invalidInput("apply_to", "is required");
    return ok({ actions: apply(sim, fw, checkTargets(sim, req.body.apply_to, "apply_to")) }, 201);
  });
  sim.route("cloud", "POST", "/firewalls/:id/actions/remove_from_resources", (req) => {
    const fw = get(req);
    if (!Array.isArray(req.body.remove_from)) throw invalidInput("remove_from", "is required");
    return ok({ actions: remove(sim, fw, checkTargets(sim, req.body.remove_from, "remove_from")) }, 201);
  });

  // A server's view lists every firewall that applies to it, directly or by selector.
  sim.extendView("server", (record, view) => {
    const applied = [...firewalls.values()].filter((fw) => appliesTo(fw, record)).sort((a, b) => a.id - b.id);
    view.public_net = {
      ...(view.public_net ?? {}),
      firewalls: applied.map((fw) => ({ id: fw.id, status: "applied" })),
    };
  });

  // A deleted server leaves every firewall it was applied to.
  sim.onDelete("server", (id) => {
    for (const fw of firewalls.values())
      fw.applied_to = fw.applied_to.filter((t) => t.type !== "server" || t.server.id !== id);
  });
}
