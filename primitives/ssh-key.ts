/**
 * OpenSSH public keys, as in a `.pub` file: `<type> <base64> [comment]`. The
 * base64 blob is decoded and checked against its declared type and the
 * structure of that type, so a truncated or mangled paste is caught here, not
 * by the API at apply time; a private key pasted by mistake is recognised.
 * Pure (node:crypto only): the description's checks (description/sshkeys.ts, which
 * adds the project's minimum RSA size) and the constructs use the same parser.
 */
import { createHash } from "node:crypto";

/** Key types Hetzner accepts, as in the first word of a `.pub` file (FIDO `sk-` keys included). */
export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "ssh-rsa",
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export interface SshPublicKey {
  readonly type: SshKeyType;
  /** Key size in bits (256 for ed25519, the curve size for ECDSA, the modulus for RSA). */
  readonly bits: number;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  readonly comment: string;
  /** `<type> <base64> [comment]`, whitespace normalised. */
  readonly text: string;
}

export type SshKeyResult =
  | { readonly ok: true; readonly key: SshPublicKey }
  | { readonly ok: false; readonly message: string; readonly hint?: string; readonly privateKey?: boolean };

const PRIVATE_MARKERS = [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, /PuTTY-User-Key-File-\d/, /^b3BlbnNzaC1rZXktdjEA/m];

/** True when the text holds a private key (PEM/OpenSSH/PuTTY), pasted by mistake. */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_MARKERS.some((marker) => marker.test(text));
}

/** Line numbers (1-based) of private key markers in a file's text. */
export function privateKeyLines(text: string): number[] {
  const found: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (PRIVATE_MARKERS.some((marker) => marker.test(line))) found.push(i + 1);
  });
  return found;
}

export const PRIVATE_KEY_MESSAGE =
  "a PRIVATE key is pasted here: remove it now, consider it leaked (it may " +
  "already be in git history or a backup) and replace it";
export const PRIVATE_KEY_HINT =
  "give only the public key: the one-line contents of the .pub file (ssh-keygen -y -f KEY prints it)";

/** Reads the SSH wire format's length-prefixed strings. */
class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  string(): Buffer | undefined {
    if (this.offset + 4 > this.buffer.length) return undefined;
    const length = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    if (this.offset + length > this.buffer.length) return undefined;
    const out = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  get done(): boolean {
    return this.offset === this.buffer.length;
  }
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]!)); // i < length: the loop stopped on a non-zero byte
}

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** The key's size in bits from its wire data (after the type), or a reason it is malformed. */
function keyBits(type: SshKeyType, reader: Reader): number | string {
  switch (type) {
    case "ssh-ed25519":
    case "sk-ssh-ed25519@openssh.com": {
      const key = reader.string();
      const application = type === "ssh-ed25519" ? Buffer.alloc(0) : reader.string();
      if (key?.length !== 32 || application === undefined || !reader.done)
        return `the ${type} key data is malformed (expected a 32-byte key)`;
      return 256;
    }
    case "ssh-rsa": {
      const e = reader.string();
      const n = reader.string();
      if (!e || !n || !reader.done || bitLength(e) < 2) return "the RSA key data is malformed";
      return bitLength(n);
    }
    default: {
      const curve = type.replace(/^(?:sk-)?ecdsa-sha2-/, "").replace(/@openssh\.com$/, "");
      const declaredCurve = reader.string();
      const point = reader.string();
      const application = type.startsWith("sk-") ? reader.string() : Buffer.alloc(0);
      if (
        !declaredCurve ||
        declaredCurve.toString("latin1") !== curve ||
        !point ||
        application === undefined ||
        !reader.done
      ) {
        return `the ECDSA key data is malformed (expected curve ${curve})`;
      }
      if (point.length !== ECDSA_POINT_BYTES[curve] || point[0] !== 4) return "the ECDSA key point is malformed";
      return Number(curve.slice("nistp".length));
    }
  }
}

/** Parses one public key line; a failure says what is wrong and, where it helps, how to fix it. */
export function parseSshPublicKey(input: string): SshKeyResult {
  if (looksLikePrivateKey(input))
    return { ok: false, message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT, privateKey: true };
  const text = input.trim();
  if (text.includes("\n")) {
    return { ok: false, message: "an SSH public key is one line", hint: "paste the .pub file's single line" };
  }
  if (text.startsWith("---- BEGIN SSH2 PUBLIC KEY")) {
    return {
      ok: false,
      message: "this is an RFC 4716 (SSH2) key, not OpenSSH format",
      hint: "convert it: ssh-keygen -i -f KEY.pub",
    };
  }
  const parts = text.split(/\s+/);
  const type = parts[0]!; // split always gives at least one part
  const blob = parts[1];
  const comment = parts.slice(2).join(" ");
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    if (type === "ssh-dss")
      return {
        ok: false,
        message: "DSA keys are broken and refused",
        hint: "generate an ed25519 key: ssh-keygen -t ed25519",
      };
    return {
      ok: false,
      message: `unsupported SSH key type "${type.slice(0, 40)}"`,
      hint: `accepted: ${SSH_KEY_TYPES.join(", ")} (authorized_keys options are not allowed)`,
    };
  }
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) {
    return {
      ok: false,
      message: `the ${type} key data is not valid base64`,
      hint: "the key looks truncated or mangled; paste the .pub file again",
    };
  }
  const data = Buffer.from(blob, "base64");
  const reader = new Reader(data);
  const declared = reader.string();
  if (!declared || declared.toString("latin1") !== type) {
    return {
      ok: false,
      message: `the key data does not hold a ${type} key`,
      hint: "the type before the key data must match the key; paste the .pub file again",
    };
  }
  const bits = keyBits(type as SshKeyType, reader);
  if (typeof bits === "string")
    return { ok: false, message: bits, hint: "the key looks truncated or mangled; paste the .pub file again" };
  const fingerprint = `SHA256:${createHash("sha256").update(data).digest("base64").replace(/=+$/, "")}`;
  return {
    ok: true,
    key: {
      type: type as SshKeyType,
      bits,
      fingerprint,
      comment,
      text: comment ? `${type} ${blob} ${comment}` : `${type} ${blob}`,
    },
  };
}
