/**
 * SSH keys (`/ssh_keys`). The fingerprint is computed as Hetzner does: the MD5
 * of the key's decoded base64 body, as colon-separated hex pairs. Names and
 * fingerprints are unique per project; a second key with the same fingerprint
 * is refused with Hetzner's `uniqueness_error` on `public_key`. The public key
 * is stored and returned as given (the provider replaces the key when it reads
 * back anything else).
 */
import { createHash } from "node:crypto";
import { ApiError, type Sim, checkLabels, checkUniqueName, invalidInput, ok, requireString } from "../core";
import { type ResourceNames, deleteRoute, queryFilter, readRoutes, updateNameAndLabels } from "../crud";

export const SSH_KEYS = "ssh_keys";

export interface SshKeyRecord {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Record<string, string>;
  created: string;
}

export const sshKeys = (sim: Sim): Map<number, SshKeyRecord> => sim.collection<SshKeyRecord>(SSH_KEYS);

/**
 * Key types Hetzner accepts (OpenSSH names; the `sk-` ones are FIDO security
 * keys), each with the number of length-prefixed fields its body holds
 * (the type name included).
 */
const KEY_FIELDS: Readonly<Record<string, number>> = {
  "ssh-rsa": 3,
  "ssh-dss": 5,
  "ssh-ed25519": 2,
  "ecdsa-sha2-nistp256": 3,
  "ecdsa-sha2-nistp384": 3,
  "ecdsa-sha2-nistp521": 3,
  "sk-ssh-ed25519@openssh.com": 3,
  "sk-ecdsa-sha2-nistp256@openssh.com": 4,
};

/** The length-prefixed fields of a key body, or undefined when they do not fill it exactly. */
function fields(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/**
 * The MD5 fingerprint of an OpenSSH public key line (`type base64 [comment]`),
 * or undefined when the line is no valid key: unknown type, body that is not
 * base64, whose fields do not add up, or whose embedded type differs from the
 * stated one.
 */
export function fingerprint(publicKey: string): string | undefined {
  const [type, body] = publicKey.trim().split(/\s+/);
  if (type === undefined || body === undefined || KEY_FIELDS[type] === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return undefined;
  const blob = Buffer.from(body, "base64");
  const parts = fields(blob);
  if (!parts || parts.length !== KEY_FIELDS[type] || parts[0]!.toString("latin1") !== type) return undefined;
  if (type === "ssh-ed25519" && parts[1]!.length !== 32) return undefined;
  const hex = createHash("md5").update(blob).digest("hex");
  return hex.match(/../g)!.join(":");
}

/** An SSH key by ID or by name (server create's `ssh_keys` takes either). */
export function findSshKey(sim: Sim, idOrName: unknown): SshKeyRecord | undefined {
  const col = sshKeys(sim);
  if (typeof idOrName === "number") return col.get(idOrName);
  if (typeof idOrName !== "string") return undefined;
  if (/^\d+$/.test(idOrName)) {
    const byId = col.get(Number(idOrName));
    if (byId) return byId;
  }
  for (const k of col.values()) if (k.name === idOrName) return k;
  return undefined;
}

const NAMES: ResourceNames = { plural: "ssh_keys", singular: "ssh_key", what: "SSH key" };

export function registerSshKeys(sim: Sim): void {
  const col = sshKeys(sim);
  const view = (k: SshKeyRecord) => ({ ...k, labels: { ...k.labels } });
  const get = readRoutes(sim, col, { ...NAMES, view, filter: queryFilter("fingerprint", (k) => k.fingerprint) });

  sim.route("cloud", "POST", "/ssh_keys", (req) => {
    const name = requireString(req.body, "name");
    const publicKey = requireString(req.body, "public_key");
    const labels = checkLabels(req.body.labels);
    const fp = fingerprint(publicKey);
    if (fp === undefined) throw invalidInput("public_key", "is not a valid SSH public key");
    checkUniqueName(col, name, "SSH key");
    for (const k of col.values()) {
      if (k.fingerprint === fp) {
        throw new ApiError(409, "uniqueness_error", "SSH key with the same fingerprint already exists", {
          fields: [{ name: "public_key" }],
        });
      }
    }
    const k: SshKeyRecord = { id: sim.id(), name, fingerprint: fp, public_key: publicKey, labels, created: sim.now() };
    col.set(k.id, k);
    return ok({ ssh_key: view(k) }, 201);
  });

  sim.route("cloud", "PUT", "/ssh_keys/:id", (req) => {
    const k = get(req);
    updateNameAndLabels(col, k, req.body, "SSH key");
    return ok({ ssh_key: view(k) });
  });

  deleteRoute(sim, col, NAMES);
}
