/**
 * The adoption file of an environment, `config/adopt/<env>.yaml`: the
 * resources that already exist at Hetzner and are taken over (imported into
 * state) instead of created. Written by `all2all adopt --env <env>` and
 * reviewed like any change, or by hand:
 *
 *   servers:                                   a stack concern
 *     hcloud_server.web-1:                     the Terraform address in that stack (all2all inventory)
 *       id: "4711"                             the provider's import id
 *       matched: server named web-1            how it was found (free text, for reviewers)
 *
 * This module checks the file's shape and each id's format for the
 * resource's type, with file, line and path. Whether the address exists in
 * the stack is checked where the stacks are built (stacks/adoption.ts),
 * since only they know the addresses.
 */
import { z } from "zod";
import { suggestionHint } from "./catalogue";
import { CONFIG_RECORD_TYPES } from "./schema";
import { formatPath, type ConfigProblem, type PathSegment } from "./problems";
import { originAt, parseYaml, toPlain, type Node, type Origin } from "./yaml";

/** Sub-directory of the config directory holding one adoption file per environment. */
export const ADOPT_DIR = "adopt";

/** The stack concerns, in deployment order (stacks/environment.ts). */
export const ADOPT_CONCERNS = ["network", "servers", "dns", "backup"] as const;
export type AdoptConcern = (typeof ADOPT_CONCERNS)[number];

interface IdFormat {
  readonly concern: AdoptConcern;
  readonly pattern: RegExp;
  /** What a valid id is, for messages. */
  readonly expected: string;
  /** Refined check of a matching id (record types); a problem text or undefined. */
  readonly check?: (id: string) => string | undefined;
}

const DIGITS = /^[1-9][0-9]*$/;
const digits = (concern: AdoptConcern, what: string, example = "4711"): IdFormat => ({
  concern,
  pattern: DIGITS,
  expected: `${what} (digits), e.g. "${example}"`,
});
const IPV4_CIDR = "(?:[0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}";
const ANY_CIDR = "[0-9a-fA-F:.]+/[0-9]{1,3}";
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/**
 * Import ids of the provider (1.68.0; providers/hcloud/NOTES.md), per
 * resource type this project writes, and the stack that holds the type.
 */
export const ID_FORMATS: Readonly<Record<string, IdFormat>> = {
  hcloud_ssh_key: digits("network", "the SSH key's id"),
  hcloud_network: digits("network", "the network's id"),
  hcloud_network_subnet: {
    concern: "network",
    pattern: new RegExp(`^[1-9][0-9]*-${IPV4_CIDR}$`),
    expected: '<network id>-<ip range>, e.g. "4711-10.20.1.0/24"',
  },
  hcloud_network_route: {
    concern: "network",
    pattern: new RegExp(`^[1-9][0-9]*-${ANY_CIDR}$`),
    expected: '<network id>-<destination>, e.g. "4711-10.30.0.0/24"',
  },
  hcloud_firewall: digits("network", "the firewall's id"),
  hcloud_placement_group: digits("network", "the placement group's id"),
  hcloud_server: digits("servers", "the server's id"),
  hcloud_primary_ip: {
    concern: "servers",
    pattern: /^([1-9][0-9]*|create)$/,
    expected:
      'the primary IP\'s id (digits), e.g. "4711", or "create" when the adopted server has no address of that family yet',
  },
  hcloud_rdns: {
    concern: "servers",
    pattern: /^[spf]-[1-9][0-9]*-[0-9a-fA-F:.]+$/,
    expected: 'p-<primary IP id>-<address> or f-<floating IP id>-<address>, e.g. "p-4711-203.0.113.10"',
  },
  hcloud_server_network: {
    concern: "servers",
    pattern: /^[1-9][0-9]*-[1-9][0-9]*$/,
    expected: '<server id>-<network id>, e.g. "4711-42"',
  },
  hcloud_volume: digits("servers", "the volume's id"),
  hcloud_volume_attachment: digits("servers", "the attached volume's id"),
  hcloud_floating_ip: digits("servers", "the floating IP's id"),
  hcloud_floating_ip_assignment: digits("servers", "the assigned floating IP's id"),
  hcloud_zone: {
    concern: "dns",
    pattern: DOMAIN,
    expected: 'the zone\'s name, lower case, without the final dot, e.g. "example.org"',
  },
  hcloud_zone_rrset: {
    concern: "dns",
    pattern: /^[^/\s]+\/[^/\s]+\/[A-Z]+$/,
    expected: '<zone name>/<record name>/<TYPE>, e.g. "example.org/www/CNAME" ("@" for the apex)',
    check: (id) => {
      const [zone, , type] = id.split("/");
      if (!DOMAIN.test(zone!)) return `the zone part "${zone}" is not a zone name`;
      if (!(CONFIG_RECORD_TYPES as readonly string[]).includes(type!))
        return `the record type "${type}" is not one of ${CONFIG_RECORD_TYPES.join(", ")}`;
      return undefined;
    },
  },
  hcloud_storage_box: digits("backup", "the storage box's id"),
  hcloud_storage_box_subaccount: {
    concern: "backup",
    pattern: /^[1-9][0-9]*\/[1-9][0-9]*$/,
    expected: '<storage box id>/<subaccount id>, e.g. "4711/42"',
  },
};

/** The id a primary IP entry takes to say: no address to adopt, create one. */
export const CREATE = "create";

/** One resource to adopt, resolved. */
export interface AdoptEntry {
  readonly concern: AdoptConcern;
  /** `hcloud_server.web-1`. */
  readonly address: string;
  readonly type: string;
  /** The provider's import id, or "create" (primary IPs only). */
  readonly id: string;
  readonly matched?: string;
  /** Where the entry is written. */
  readonly origin: Origin;
  /** Its path in the file, e.g. `servers["hcloud_server.web-1"].id`. */
  readonly path: string;
}

export interface AdoptionSpec {
  /** The file, as the config directory was given (config/adopt/staging.yaml). */
  readonly file: string;
  readonly entries: readonly AdoptEntry[];
}

const Entry = z.strictObject({
  id: z.union([z.string().min(1), z.number().int().positive()]),
  matched: z.string().optional(),
});
const AdoptFile = z.strictObject(
  Object.fromEntries(ADOPT_CONCERNS.map((c) => [c, z.record(z.string(), Entry).optional()])) as Record<
    AdoptConcern,
    z.ZodOptional<z.ZodRecord<z.ZodString, typeof Entry>>
  >,
);

const ADDRESS = /^(hcloud_[a-z_]+)\.([A-Za-z_][A-Za-z0-9_-]*)$/;

/** Reads the text of an adoption file: its entries, or every problem (file, line, path, what is valid). */
export function parseAdoption(
  file: string,
  text: string,
): { ok: true; adoption: AdoptionSpec } | { ok: false; problems: ConfigProblem[] } {
  const parsed = parseYaml(file, text);
  if (!parsed.root) return { ok: false, problems: parsed.problems };
  const problems: ConfigProblem[] = [...parsed.problems];
  const root = parsed.root;
  const push = (path: readonly PathSegment[], message: string, hint?: string, at: "value" | "key" = "value"): void => {
    const o = originAt(root, path, at);
    problems.push({
      file: o.file,
      line: o.line,
      col: o.col,
      path: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    });
  };
  const plain = toPlain(root);
  // An empty file (only comments) adopts nothing.
  if (plain === null || plain === undefined)
    return problems.length > 0 ? { ok: false, problems } : { ok: true, adoption: { file, entries: [] } };
  const shape = AdoptFile.safeParse(plain);
  if (!shape.success) {
    for (const issue of shape.error.issues) shapeProblem(issue, plain, push);
    return { ok: false, problems };
  }
  const entries: AdoptEntry[] = [];
  for (const concern of ADOPT_CONCERNS) {
    for (const [address, entry] of Object.entries(shape.data[concern] ?? {})) {
      const checked = checkEntry(concern, address, entry, push);
      if (checked) entries.push({ ...checked, origin: originAt(root, [concern, address, "id"]) });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, adoption: { file, entries } };
}

type Push = (path: readonly PathSegment[], message: string, hint?: string, at?: "value" | "key") => void;

/** One zod issue of the adoption file's shape, as a problem that says what is valid. */
function shapeProblem(issue: z.core.$ZodIssue, plain: unknown, push: Push): void {
  const path = issue.path.filter((s): s is PathSegment => typeof s === "string" || typeof s === "number");
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) {
      const known = path.length === 0 ? [...ADOPT_CONCERNS] : ["id", "matched"];
      const what = path.length === 0 ? `unknown stack "${key}"` : `unknown key "${key}"`;
      push([...path, key], what, suggestionHint(key, known, path.length === 0 ? "stacks" : "keys"), "key");
    }
  } else if (path.length === 3 && path[2] === "id") {
    const got = JSON.stringify(valueAt(plain, path)) ?? "nothing";
    push(
      path,
      `the import id must be text or a number, got ${got}`,
      ID_FORMATS[String(path[1]).split(".")[0]!]?.expected,
    );
  } else if (path.length === 2 && issue.code === "invalid_type") {
    push(
      path,
      "each address takes a mapping with id (and matched)",
      'e.g. { id: "4711", matched: "server named web-1" }',
    );
  } else if (path.length === 1 && issue.code === "invalid_type") {
    push(
      path,
      `the stack "${String(path[0])}" takes a mapping of Terraform addresses`,
      'e.g. hcloud_server.web-1: { id: "4711" }',
    );
  } else if (path.length === 0) {
    push(path, "the adoption file must be a mapping of stacks (network, servers, dns, backup)");
  } else push(path, issue.message);
}

/** One entry of a stack, checked: its address, type, stack and id; undefined (with the problem pushed) when wrong. */
function checkEntry(
  concern: AdoptConcern,
  address: string,
  entry: z.output<typeof Entry>,
  push: Push,
): Omit<AdoptEntry, "origin"> | undefined {
  const m = ADDRESS.exec(address);
  if (!m) {
    const hint = "write <resource type>.<name>, as all2all inventory shows it, e.g. hcloud_server.web-1";
    push([concern, address], `"${address}" is not a Terraform address`, hint, "key");
    return undefined;
  }
  const type = m[1]!;
  const format = ID_FORMATS[type];
  if (!format) {
    const hint = suggestionHint(type, Object.keys(ID_FORMATS), "types");
    push([concern, address], `resources of type ${type} cannot be adopted here`, hint, "key");
    return undefined;
  }
  if (format.concern !== concern) {
    const what = `${type} resources are in the ${format.concern} stack, not in ${concern}`;
    push([concern, address], what, `move the entry under ${format.concern}:`, "key");
    return undefined;
  }
  const id = String(entry.id);
  const idPath = [concern, address, "id"];
  const refined = format.pattern.test(id) ? format.check?.(id) : "";
  if (refined !== undefined) {
    const why = refined === "" ? "" : `: ${refined}`;
    push(idPath, `${JSON.stringify(id)} is not an import id of ${type}${why}`, `expected ${format.expected}`);
    return undefined;
  }
  return {
    concern,
    address,
    type,
    id,
    ...(entry.matched !== undefined ? { matched: entry.matched } : {}),
    path: formatPath(idPath),
  };
}

function valueAt(plain: unknown, path: readonly PathSegment[]): unknown {
  let current = plain;
  for (const s of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[s];
  }
  return current;
}

/** A problem about an adoption entry, located at its id. */
export function entryProblem(entry: AdoptEntry, message: string, hint?: string): ConfigProblem {
  return {
    file: entry.origin.file,
    line: entry.origin.line,
    col: entry.origin.col,
    path: entry.path,
    message,
    ...(hint ? { hint } : {}),
  };
}

/** The YAML text of an adoption file, as `all2all adopt` writes it. */
export function formatAdoption(
  env: string,
  entries: readonly { concern: AdoptConcern; address: string; id: string; matched: string }[],
  header: readonly string[] = [],
): string {
  const lines = [
    `# Resources of ${env} that exist at Hetzner and are adopted (imported), not created.`,
    `# Written by \`all2all adopt --env ${env}\`; review it like any change (docs/adopting.md).`,
    ...header.map((h) => `# ${h}`),
  ];
  for (const concern of ADOPT_CONCERNS) {
    const mine = entries.filter((e) => e.concern === concern).sort((a, b) => a.address.localeCompare(b.address));
    if (mine.length === 0) continue;
    lines.push("", `${concern}:`);
    for (const e of mine)
      lines.push(`  ${e.address}: { id: ${JSON.stringify(e.id)}, matched: ${JSON.stringify(e.matched)} }`);
  }
  if (entries.length === 0) lines.push("", "# nothing found to adopt");
  return `${lines.join("\n")}\n`;
}

/** The Node type is re-exported for callers that locate problems themselves. */
export type { Node };
