/**
 * The `hcloud_zone_rrset`s of a synthesised dns stack, with server address
 * references mapped back to the server and family they name.
 */
import type { AddressRef, Family, ZoneSpec } from "../description";
import type { AddressBook } from "../zonefile";
import { group } from "./checked";
import { absoluteName, tokensOf } from "./zone-reader";
import { canonicalRdata, sortSets, type CanonicalSet } from "./zone-sets";

/** `${expr}` → expr; undefined for a literal. */
function expressionOf(value: string): string | undefined {
  const match = /^\$\{(.*)\}$/s.exec(value);
  return match?.[1];
}

const REMOTE_OUTPUT = /data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g;

/**
 * Maps the servers stack's address outputs (`<server>-ipv4`, `<server>-ipv6`)
 * to the expression each one evaluates, so that a record value referencing
 * the same expression (directly, or through a cross-stack output and a
 * remote-state lookup) is known as that server's address.
 */
export function addressExpressions(serversStack: any): Map<string, { server: string; family: Family }> {
  const map = new Map<string, { server: string; family: Family }>();
  for (const [name, output] of Object.entries<any>(serversStack?.output ?? {})) {
    const match = /^(.+)-(ipv4|ipv6)$/.exec(name);
    const expr = typeof output?.value === "string" ? expressionOf(output.value) : undefined;
    if (match && expr !== undefined) map.set(expr, { server: group(match, 1), family: group(match, 2) as Family });
  }
  return map;
}

/** A record value of a synthesised rrset, with a server reference resolved to server and family. */
export type RrsetValue =
  | { kind: "literal"; text: string }
  | ({ kind: "address" } & Pick<AddressRef, "server" | "family">);

export interface SynthesisedSet {
  readonly address: string;
  readonly name: string;
  readonly type: string;
  readonly ttl: number | undefined;
  readonly values: readonly RrsetValue[];
}

/**
 * The `hcloud_zone_rrset`s of `zoneName` in a synthesised dns stack. An
 * expression value is resolved through the servers stack: the remote-state
 * output it reads is replaced by that output's own expression in the servers
 * stack, which must then equal one of the servers' address outputs.
 */
export function synthesisedSets(dnsStack: any, serversStack: any, zoneName: string): SynthesisedSet[] {
  const zones = dnsStack?.resource?.hcloud_zone ?? {};
  const zoneIds = new Set(
    Object.entries<any>(zones)
      .filter(([, z]) => z.name === zoneName)
      .map(([id]) => id),
  );
  const addresses = addressExpressions(serversStack);
  const serverOutputs = serversStack?.output ?? {};
  const sets: SynthesisedSet[] = [];
  for (const [id, rrset] of Object.entries<any>(dnsStack?.resource?.hcloud_zone_rrset ?? {})) {
    const zoneRef = /^\$\{hcloud_zone\.([A-Za-z0-9_-]+)\.name\}$/.exec(rrset.zone ?? "");
    const belongs = zoneRef ? zoneIds.has(group(zoneRef, 1)) : rrset.zone === zoneName;
    if (!belongs) continue;
    const values: RrsetValue[] = (rrset.records ?? []).map((record: { value: string }) => {
      const expr = expressionOf(record.value);
      if (expr === undefined) return { kind: "literal", text: record.value };
      const local = expr.replace(REMOTE_OUTPUT, (all, output: string) => {
        const value = serverOutputs[output]?.value;
        const inner = typeof value === "string" ? expressionOf(value) : undefined;
        if (inner === undefined)
          throw new Error(`hcloud_zone_rrset.${id}: ${all} reads an output the servers stack does not have`);
        return inner;
      });
      const ref = addresses.get(local);
      if (!ref)
        throw new Error(`hcloud_zone_rrset.${id}: the value ${record.value} is not a server address output (${local})`);
      return { kind: "address", ...ref };
    });
    sets.push({ address: `hcloud_zone_rrset.${id}`, name: rrset.name, type: rrset.type, ttl: rrset.ttl, values });
  }
  return sets;
}

/** Synthesised rrsets as canonical sets, addresses from `book`, TTLs defaulting to the zone's. */
export function synthesisedCanonicalSets(
  sets: readonly SynthesisedSet[],
  zone: ZoneSpec,
  book: AddressBook,
): CanonicalSet[] {
  const origin = `${zone.name}.`;
  return sortSets(
    sets.map((s) => ({
      owner: absoluteName(s.name, origin),
      type: s.type,
      ttl: s.ttl ?? zone.ttl,
      values: s.values
        .map((v) =>
          canonicalRdata(
            s.type,
            tokensOf(
              v.kind === "address" ? book.address({ kind: "address", server: v.server, family: v.family }) : v.text,
            ),
            origin,
          ),
        )
        .sort(),
    })),
  );
}
