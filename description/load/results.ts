/**
 * What the loader returns, put together: problems of several environments
 * merged (one found in some of them only says which), repeats removed, the
 * specs frozen; and the names the shared files declare (for suppressions of
 * what an overlay removes).
 */
import type { ConfigProblem } from "../problems";

/** A problem found in some environments only says which. */
export function mergeEnvironmentProblems(perEnv: { env: string; problems: ConfigProblem[] }[]): ConfigProblem[] {
  const byKey = new Map<string, { problem: ConfigProblem; envs: string[] }>();
  for (const { env, problems } of perEnv) {
    for (const problem of problems) {
      const key = problemKey(problem);
      const entry = byKey.get(key);
      if (entry) {
        if (!entry.envs.includes(env)) entry.envs.push(env);
      } else byKey.set(key, { problem, envs: [env] });
    }
  }
  const all = perEnv.length;
  return [...byKey.values()].map(({ problem, envs }) =>
    all > 1 && envs.length < all ? { ...problem, environments: envs } : problem,
  );
}

function problemKey(p: ConfigProblem): string {
  return `${p.file}\u0000${p.line ?? ""}\u0000${p.col ?? ""}\u0000${p.message}`;
}

/** The problems without repeats (same place, message and path), in their order. */
export function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${problemKey(p)}\u0000${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Freezes a value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

/** The names of a plain list's items that have a text name. */
function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((x) => (x && typeof x === "object" ? (x as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === "string");
}

/** `<kind>/<name>` of the items a (plain) description declares, by the kinds suppressions name. */
export function declaredNames(plain: unknown): Set<string> {
  const out = new Set<string>();
  const d = (plain ?? {}) as Record<string, unknown>;
  for (const n of namesOf(d.servers)) out.add(`server/${n}`);
  for (const s of Array.isArray(d.servers) ? d.servers : []) {
    for (const v of namesOf((s as { volumes?: unknown })?.volumes)) out.add(`volume/${v}`);
  }
  for (const n of namesOf(d.networks)) out.add(`network/${n}`);
  for (const n of namesOf(d.firewall_policies)) out.add(`firewall-policy/${n}`);
  for (const n of namesOf(d.placement_groups)) out.add(`placement-group/${n}`);
  for (const n of namesOf(d.zones)) out.add(`zone/${n.toLowerCase().replace(/\.$/, "")}`);
  for (const n of namesOf(d.storage_boxes)) out.add(`storage-box/${n}`);
  for (const n of namesOf((d.operators as { ssh_keys?: unknown } | undefined)?.ssh_keys)) out.add(`ssh-key/${n}`);
  return out;
}
