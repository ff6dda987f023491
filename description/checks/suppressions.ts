/**
 * Suppressions of policy rules: a rule id's form, a resource `<kind>/<name>`
 * that exists (or that this environment's overlay removed from the shared
 * files), a reason of a sentence, and no suppression twice.
 */
import { suggestionHint } from "../catalogue";
import type { PathSegment } from "../problems";
import type { CheckContext } from "./context";

/** Minimum length of a suppression's reason, and of its words. */
export const REASON_MIN_CHARS = 20;
export const REASON_MIN_WORDS = 4;

export const SUPPRESSION_KINDS = [
  "server",
  "volume",
  "network",
  "firewall-policy",
  "placement-group",
  "zone",
  "storage-box",
  "ssh-key",
] as const;

/** The names of each kind a suppression may name, in this environment. */
export type ExistingNames = Record<(typeof SUPPRESSION_KINDS)[number], string[]>;

/** Checks the suppressions list. */
export function checkSuppressions(ctx: CheckContext, existing: ExistingNames): void {
  const { r } = ctx;
  const seen = new Map<string, number>();
  ctx.d.suppressions.forEach((suppression, i) => {
    const path: PathSegment[] = ["suppressions", i];
    if (!/^[a-z0-9][a-z0-9-]*(?:\/[a-z0-9-]+)?$/.test(suppression.rule)) {
      r.report(
        [...path, "rule"],
        `rule id "${suppression.rule}" is not a policy rule id`,
        "rule ids are kebab-case, as printed by the policy check",
      );
    }
    checkResource(ctx, existing, suppression.resource, path);
    checkReason(ctx, suppression.reason, path);
    const key = `${suppression.rule} ${suppression.resource}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      r.report(
        path,
        `duplicate suppression of ${suppression.rule} for ${suppression.resource} (suppressions[${previous}])`,
      );
    } else seen.set(key, i);
  });
}

/** The resource is `<kind>/<name>` of something the environment has. */
function checkResource(ctx: CheckContext, existing: ExistingNames, resource: string, path: PathSegment[]): void {
  const slash = resource.indexOf("/");
  const kind = resource.slice(0, slash) as (typeof SUPPRESSION_KINDS)[number];
  const name = resource.slice(slash + 1);
  if (slash < 0 || !(SUPPRESSION_KINDS as readonly string[]).includes(kind)) {
    ctx.r.report(
      [...path, "resource"],
      `resource "${resource}" must be <kind>/<name>`,
      `kinds: ${SUPPRESSION_KINDS.join(", ")}`,
    );
  } else if (!existing[kind].includes(kind === "zone" ? name.toLowerCase().replace(/\.$/, "") : name)) {
    // A suppression of the shared files may name what this environment's overlay removes:
    // here it is unused, which the policy pack reports as the warning suppression-unused.
    const { sharedFiles, sharedNames } = ctx.input;
    const removedHere = sharedFiles.has(ctx.r.file(path)) && (sharedNames?.has(resource) ?? false);
    if (!removedHere) {
      const hint = suggestionHint(name, existing[kind], `${kind}s`);
      ctx.r.report([...path, "resource"], `unknown ${kind} "${name}"`, hint);
    }
  }
}

/** The reason is a sentence: long enough, in enough words. */
function checkReason(ctx: CheckContext, text: string, path: PathSegment[]): void {
  const reason = text.trim();
  const words = reason.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
  if (reason.length < REASON_MIN_CHARS || words < REASON_MIN_WORDS) {
    ctx.r.report(
      [...path, "reason"],
      reason === "" ? "the reason is empty" : `the reason "${reason}" is too short`,
      `say why in at least a sentence (${REASON_MIN_CHARS} characters, ${REASON_MIN_WORDS} words): reviewers read it`,
    );
  }
}
