/**
 * Server addresses for zone files. The stacks resolve a record value such as
 * `web-1.ipv4` to the primary IP resource; a zone file needs the address
 * itself, which exists only once the servers stack is applied. Two sources:
 *
 * - the outputs of the servers stack (`all2all output --env <env> --stack
 *   servers --format json`, which is `tofu output -json` in
 *   cdktf.out/stacks/<env>-servers), whose outputs `<server>-ipv4` and
 *   `<server>-ipv6` hold the public addresses, as `{ "value": "…" }`; or
 *   every stack's outputs keyed by stack name (the same command without
 *   --stack), of which the servers stack's are read;
 * - without them, placeholder documentation addresses (RFC 5737, RFC 3849),
 *   deterministic per server: the n-th server of the environment (1-based,
 *   in config order) gets 192.0.2.n and 2001:db8:0:n::1 (the first host of a
 *   /64, like the ::1 Hetzner's IPv6 primary IPs give). Files rendered with
 *   them say so, and must never be served.
 */
import type { AddressRef, Family } from "../description";
import { formatAddress, parseIpv4, parseIpv6 } from "../primitives/ip";

/** Where each referenced server address comes from. */
export interface AddressBook {
  /** True for the documentation addresses: such files must not be served. */
  readonly placeholder: boolean;
  /** What the addresses are, for the zone file's header. */
  readonly source: string;
  /** The address of `ref`, canonical (RFC 5952 for IPv6). Throws for a server the book does not know. */
  address(ref: AddressRef): string;
}

/** The output name of the servers stack holding one server's public address: `web-1-ipv4`. */
export function outputName(ref: Pick<AddressRef, "server" | "family">): string {
  return `${ref.server}-${ref.family}`;
}

const PLACEHOLDER_V4_RANGES = ["192.0.2", "198.51.100", "203.0.113"];

/** The placeholder address of the n-th server (1-based). */
export function placeholderAddress(n: number, family: Family): string {
  if (!Number.isInteger(n) || n < 1 || n > 254 * PLACEHOLDER_V4_RANGES.length) {
    throw new Error(`no placeholder address for server number ${n} (1 to ${254 * PLACEHOLDER_V4_RANGES.length})`);
  }
  if (family === "ipv4") return `${PLACEHOLDER_V4_RANGES[Math.floor((n - 1) / 254)]}.${((n - 1) % 254) + 1}`;
  // The decimal digits read as a hex group: server 12 is 2001:db8:0:12::1, next to 192.0.2.12.
  return `2001:db8:0:${n}::1`;
}

/** Placeholder addresses for the servers of one environment, in config order. */
export function placeholderAddresses(servers: readonly { readonly name: string }[]): AddressBook {
  const index = new Map(servers.map((s, i) => [s.name, i + 1]));
  return {
    placeholder: true,
    source: "placeholders (documentation addresses 192.0.2.0/24 and 2001:db8::/32, one per server in config order)",
    address(ref) {
      const n = index.get(ref.server);
      if (n === undefined) throw new Error(`no placeholder address for unknown server "${ref.server}"`);
      return placeholderAddress(n, ref.family);
    },
  };
}

export type AddressFileResult = { ok: true; book: AddressBook } | { ok: false; problems: string[] };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}

/**
 * Reads the addresses of the servers stack's outputs (the text of
 * `tofu output -json`) for the references a zone needs. Every problem is
 * returned, each naming the file and the output; extra outputs are ignored.
 */
/** The address output `key` holds, formatted, or the problem with it. */
function addressIn(
  outputs: Record<string, unknown>,
  key: string,
  ref: AddressRef,
  where: string,
  stack: string,
): string | { problem: string } {
  const family = ref.family === "ipv4" ? "IPv4" : "IPv6";
  if (!Object.hasOwn(outputs, key)) {
    return {
      problem:
        `${where} is missing (the public ${family} ` +
        `of ${ref.server}); is this the output of ${stack}, applied with this config?`,
    };
  }
  const entry = outputs[key];
  const isObject = typeof entry === "object" && entry !== null && !Array.isArray(entry);
  const value = isObject ? (entry as Record<string, unknown>).value : undefined;
  if (typeof value !== "string") {
    const got = isObject ? `a value of ${describe(value)}` : describe(entry);
    return { problem: `${where}: expected { "value": "<address>" }, got ${got}` };
  }
  const parsed = ref.family === "ipv4" ? parseIpv4(value) : parseIpv6(value);
  if (parsed === undefined) return { problem: `${where}: "${value}" is not an ${family} address` };
  return formatAddress(ref.family, parsed);
}

export function parseServerOutputs(
  text: string,
  file: string,
  needed: readonly AddressRef[],
  stack = "<env>-servers",
): AddressFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      problems: [
        `${file}: not JSON (${(err as Error).message}); expected the output of ` +
          `\`tofu output -json\` in cdktf.out/stacks/${stack}`,
      ],
    };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [
        `${file}: expected a JSON object of outputs (what \`tofu output -json\` ` +
          `prints in cdktf.out/stacks/${stack}), got ${describe(raw)}`,
      ],
    };
  }
  // `all2all output --env E --format json` without --stack: one object of outputs per stack, keyed by its name.
  const nested = (raw as Record<string, unknown>)[stack];
  const byStack =
    Object.hasOwn(raw, stack) &&
    typeof nested === "object" &&
    nested !== null &&
    !Array.isArray(nested) &&
    !("value" in nested);
  const outputs = (byStack ? nested : raw) as Record<string, unknown>;
  const problems: string[] = [];
  const resolved = new Map<string, string>();
  const seen = new Set<string>();
  for (const ref of needed) {
    const key = outputName(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const read = addressIn(outputs, key, ref, `${file}: output "${key}"`, stack);
    if (typeof read === "string") resolved.set(key, read);
    else problems.push(read.problem);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    book: {
      placeholder: false,
      source: `outputs of the ${stack} stack`,
      address(ref) {
        const address = resolved.get(outputName(ref));
        if (address === undefined) throw new Error(`${file}: no address read for ${ref.server}.${ref.family}`);
        return address;
      },
    },
  };
}
