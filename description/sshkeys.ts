/**
 * Operators' SSH public keys in the description: the shared parser of the
 * construct library (constructs/ssh-key-format.ts), plus the project's rule
 * that an RSA key has at least 3072 bits.
 */
import { parseSshPublicKey as parseKey, type SshKeyResult } from "../primitives/ssh-key";

export {
  PRIVATE_KEY_HINT,
  PRIVATE_KEY_MESSAGE,
  looksLikePrivateKey,
  privateKeyLines,
  type SshKeyType,
} from "../primitives/ssh-key";

export const MIN_RSA_BITS = 3072;

/** Parses one public key line of config: well formed, and not an RSA key under MIN_RSA_BITS. */
export function parseSshPublicKey(input: string): SshKeyResult {
  const parsed = parseKey(input);
  if (parsed.ok && parsed.key.type === "ssh-rsa" && parsed.key.bits < MIN_RSA_BITS) {
    return {
      ok: false,
      message: `RSA key of ${parsed.key.bits} bits is too short (at least ${MIN_RSA_BITS})`,
      hint: "generate an ed25519 key instead: ssh-keygen -t ed25519",
    };
  }
  return parsed;
}
