/**
 * The digest of an environment's synthesised stacks: what a reviewer saw in
 * `all2all diff`, and what `all2all plan|deploy --expect-digest` checks it
 * is about to run. sha256 over the stacks in name order, each as its name and
 * its document in a stable JSON form without the `//` metadata (comments for
 * people and tools; the engine ignores them).
 */
import * as crypto from "node:crypto";
import stringify from "safe-stable-stringify";

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = withoutMetadata(v);
  return out;
}

/** `sha256:<64 hex>` of the stacks `[name, parsed cdk.tf.json]` of one environment. */
export function stacksDigest(stacks: Iterable<readonly [string, unknown]>): string {
  const hash = crypto.createHash("sha256");
  for (const [name, doc] of [...stacks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${name}\n${stringify(withoutMetadata(doc))}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
