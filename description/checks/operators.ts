/**
 * The operators: their SSH keys (valid public keys, unique names, no key
 * twice) and the admin ranges SSH is reachable from (CIDRs, not the whole
 * Internet).
 */
import type { PathSegment } from "../problems";
import { parseSshPublicKey } from "../sshkeys";
import type { SshKeySpec } from "../types";
import { checkLabels, cidrAt, uniqueNames } from "./common";
import { labelsFor, type CheckContext } from "./context";

/** The operators, resolved, and the names other checks look keys up by. */
export interface Operators {
  readonly sshKeys: SshKeySpec[];
  /** Expanded, deduplicated CIDRs of operators.admin_ranges. */
  readonly adminRanges: string[];
  /** Each key name's first index in operators.ssh_keys. */
  readonly keyNames: ReadonlyMap<string, number>;
  /** Every key name as written, in order (the default keys of a server). */
  readonly keyNameList: string[];
}

/** Checks operators.ssh_keys and operators.admin_ranges. */
export function checkOperators(ctx: CheckContext): Operators {
  const keys = ctx.d.operators.ssh_keys;
  const keyNames = uniqueNames(ctx.r, keys, ["operators", "ssh_keys"], "SSH key name", (k) => k.name);
  const sshKeys = checkSshKeys(ctx);
  const adminRanges = checkAdminRanges(ctx);
  return { sshKeys, adminRanges, keyNames, keyNameList: keys.map((k) => k.name) };
}

/** Each key parsed, its labels checked; a key given twice (same fingerprint) is refused. */
function checkSshKeys(ctx: CheckContext): SshKeySpec[] {
  const { r } = ctx;
  const sshKeys: SshKeySpec[] = [];
  const fingerprints = new Map<string, number>();
  ctx.d.operators.ssh_keys.forEach((key, i) => {
    const path: PathSegment[] = ["operators", "ssh_keys", i, "public_key"];
    const parsed = parseSshPublicKey(key.public_key);
    checkLabels(r, ["operators", "ssh_keys", i, "labels"], key.labels);
    if (!parsed.ok) {
      r.report(path, parsed.message, parsed.hint);
      return;
    }
    const previous = fingerprints.get(parsed.key.fingerprint);
    if (previous !== undefined) {
      r.report(
        path,
        `the same public key as operators.ssh_keys[${previous}] (${parsed.key.fingerprint})`,
        "Hetzner refuses a key twice: remove one",
      );
      return;
    }
    fingerprints.set(parsed.key.fingerprint, i);
    sshKeys.push({
      name: key.name,
      public_key: parsed.key.text,
      type: parsed.key.type,
      bits: parsed.key.bits,
      fingerprint: parsed.key.fingerprint,
      labels: labelsFor(ctx, "operator", key.labels),
    });
  });
  return sshKeys;
}

/** The admin ranges as CIDRs, each once; /0 is refused. */
function checkAdminRanges(ctx: CheckContext): string[] {
  const { r } = ctx;
  const adminRanges: string[] = [];
  ctx.d.operators.admin_ranges.forEach((text, i) => {
    const cidr = cidrAt(r, ["operators", "admin_ranges", i], text, "admin range");
    if (!cidr) return;
    if (cidr.prefix === 0) {
      r.report(
        ["operators", "admin_ranges", i],
        `admin range ${cidr.text} is the whole Internet`,
        "list the ranges operators really connect from (SSH is reachable from these)",
      );
      return;
    }
    if (!adminRanges.includes(cidr.text)) adminRanges.push(cidr.text);
  });
  return adminRanges;
}
