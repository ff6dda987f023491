/**
 * The comparison core of `all2all diff`: two synthesised outputs (stack name
 * → cdk.tf.json document), compared stack by stack, block by block, down to
 * the attributes that differ. Pure: no files, no processes.
 *
 * A resource on both sides is replaced when an attribute of the replacement
 * table changes and is not in the head's lifecycle.ignore_changes; `moved`,
 * `import` and `removed` blocks of the head turn a removal and an addition
 * into a rename, an addition into an adoption, a removal into a forget.
 */
import type { Action, AttributeChange, BlockKind, Change, Reason } from "./model";
import {
  classifyEnvironments,
  classifyResource,
  environmentOf,
  isIgnored,
  replacementReasons,
  statefulLoss,
  summaryAttributes,
  type Body,
  type ChangeTarget,
  type MutableChange,
  type ResourcePair,
  type SideResource,
} from "./classify";
import { sortChanges } from "./sort";
import type { ReplaceTables } from "./tables";
import {
  ABSENT,
  attributePath,
  diffValues,
  formatPath,
  isPlainObject,
  isWithin,
  normaliseReference,
  showValue,
  type Path,
  type RawDiff,
  type ShowContext,
} from "./values";

/** A stack's synthesised document (cdk.tf.json), as parsed. */
export type StackDocument = Record<string, unknown>;

export interface CompareOptions {
  /** Stacks in deployment order (manifest dependencies); others follow by name. */
  readonly stackOrder?: readonly string[];
}

interface Block {
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

/** Attributes that change nothing in the infrastructure by themselves: comments and meta-arguments. */
const CONFIG_ONLY = new Set(["//", "lifecycle", "depends_on", "provider", "provisioner", "connection"]);

/** The body without cdktn's construct metadata (`//.metadata`), which changes with code layout, not with infrastructure. */
export function stripMetadata(body: unknown): Body {
  if (!isPlainObject(body)) return {};
  const comment = body["//"];
  if (!isPlainObject(comment)) return body;
  const rest = Object.fromEntries(Object.entries(comment).filter(([k]) => k !== "metadata"));
  const out: Body = { ...body };
  if (Object.keys(rest).length > 0) out["//"] = rest;
  else delete out["//"];
  return out;
}

function resourcesOf(doc: StackDocument, section: "resource" | "data"): Map<string, Block> {
  const out = new Map<string, Block>();
  const byType = doc[section];
  if (!isPlainObject(byType)) return out;
  for (const type of Object.keys(byType).sort()) {
    const byName = byType[type];
    if (!isPlainObject(byName)) continue;
    for (const name of Object.keys(byName).sort()) {
      out.set(section === "data" ? `data.${type}.${name}` : `${type}.${name}`, {
        type,
        name,
        body: stripMetadata(byName[name]),
      });
    }
  }
  return out;
}

function listOf(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isPlainObject);
  return isPlainObject(value) ? [value] : [];
}

function sensitiveVariables(doc: StackDocument): Set<string> {
  const vars = doc.variable;
  const out = new Set<string>();
  if (isPlainObject(vars))
    for (const [name, v] of Object.entries(vars)) if (isPlainObject(v) && v.sensitive === true) out.add(name);
  return out;
}

/** DNS record values are published by design: only private keys are masked in them (as in the secret scan). */
function publishedPath(type: string): ((path: Path) => boolean) | undefined {
  if (type === "hcloud_zone_rrset") return (p) => p[0] === "records" && p[p.length - 1] === "value";
  if (type === "hcloud_zone_record") return (p) => p.length === 1 && p[0] === "value";
  return undefined;
}

function ignoredOf(body: Body | undefined): readonly string[] | "all" {
  const lifecycle = body?.lifecycle;
  if (!isPlainObject(lifecycle)) return [];
  const list = lifecycle.ignore_changes;
  if (list === "all") return "all";
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string").map(normaliseReference) : [];
}

function newChange(
  stack: string,
  address: string,
  kind: BlockKind,
  type: string,
  name: string,
  action: Action,
  stateful: boolean,
): MutableChange {
  return {
    stack,
    address,
    kind,
    type,
    name,
    action,
    stateful,
    summary: [],
    attributes: [],
    dangers: [],
    warnings: [],
    notes: [],
  };
}

function attributeChanges(
  diffs: readonly RawDiff[],
  before: ShowContext,
  after: ShowContext,
  ignored: readonly string[] | "all" = [],
  replacing: readonly Reason[] = [],
): AttributeChange[] {
  return diffs.map((d) => {
    const attr = attributePath(d.path);
    const isIgnoredAttr = d.path[0] !== "//" && d.path[0] !== "lifecycle" && isIgnored(attr, ignored);
    return {
      path: formatPath(d.path),
      ...(d.old === ABSENT ? {} : { old: showValue(d.old, d.path, before) }),
      ...(d.new === ABSENT ? {} : { new: showValue(d.new, d.path, after) }),
      ...(isIgnoredAttr ? { ignored: true } : {}),
      ...(replacing.some(
        (r) => r.attribute !== undefined && (isWithin(attr, r.attribute) || isWithin(r.attribute, attr)),
      )
        ? { forcesReplacement: true }
        : {}),
    };
  });
}

/** Adds the verdict of the per-resource rules to a change. */
function judge(
  change: MutableChange,
  pair: ResourcePair,
  tables: ReplaceTables,
  reasons: readonly Reason[] = [],
): MutableChange {
  const verdict = classifyResource(pair, tables, reasons);
  change.dangers.push(...verdict.dangers);
  change.warnings.push(...verdict.warnings);
  change.notes.push(...verdict.notes);
  return change;
}

/**
 * Compares two synthesised outputs. Returns every change, dangerous ones
 * first (see sortChanges).
 */
export function compareOutputs(
  base: ReadonlyMap<string, StackDocument>,
  head: ReadonlyMap<string, StackDocument>,
  tables: ReplaceTables,
  options: CompareOptions = {},
): Change[] {
  const changes: MutableChange[] = [];
  const baseSide: SideResource[] = [];
  const headSide: SideResource[] = [];
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();

  for (const stack of stacks) {
    const b = base.get(stack) ?? {};
    const h = head.get(stack) ?? {};
    const bVars = sensitiveVariables(b);
    const hVars = sensitiveVariables(h);
    const ctx = (vars: Set<string>, type: string): ShowContext => ({
      sensitiveVariables: vars,
      isPublished: publishedPath(type),
    });
    const bRes = resourcesOf(b, "resource");
    const hRes = resourcesOf(h, "resource");
    for (const [address, r] of bRes) baseSide.push({ stack, address, type: r.type, body: r.body });
    for (const [address, r] of hRes) headSide.push({ stack, address, type: r.type, body: r.body });

    // moved, import and removed blocks of the head.
    const movedTo = new Map<string, string>();
    for (const m of listOf(h.moved)) {
      const from = typeof m.from === "string" ? m.from : undefined;
      const to = typeof m.to === "string" ? m.to : undefined;
      if (from && to && bRes.has(from) && !hRes.has(from) && hRes.has(to) && !bRes.has(to)) movedTo.set(to, from);
    }
    const movedFrom = new Set(movedTo.values());
    const imports = new Map<string, unknown>();
    for (const i of listOf(h.import)) if (typeof i.to === "string") imports.set(i.to, i.id);
    const forgotten = new Set<string>();
    for (const r of listOf(h.removed)) {
      const lifecycle = isPlainObject(r.lifecycle) ? r.lifecycle : {};
      if (typeof r.from === "string" && lifecycle.destroy === false) forgotten.add(r.from);
    }

    /** A resource on both sides (or renamed by a moved block): updated, replaced, moved, or changed without effect. */
    const pairChange = (address: string, before: Block, after: Block, from?: string): MutableChange | undefined => {
      const diffs = diffValues(before.body, after.body);
      if (diffs.length === 0 && from === undefined) return undefined;
      const ignored = ignoredOf(after.body);
      const showBefore = ctx(bVars, before.type);
      const showAfter = ctx(hVars, after.type);
      const pair: ResourcePair = {
        stack,
        address,
        type: after.type,
        action: "update",
        before: before.body,
        after: after.body,
        diffs,
        ignored,
        showBefore,
        showAfter,
      };
      const reasons =
        before.type === after.type
          ? replacementReasons(pair, tables)
          : [{ class: "replace" as const, message: `its type changes from ${before.type}` }];
      const effective = diffs.filter(
        (d) => !CONFIG_ONLY.has(String(d.path[0])) && !isIgnored(attributePath(d.path), ignored),
      );
      const action: Action =
        reasons.length > 0 ? "replace" : from !== undefined ? "move" : effective.length > 0 ? "update" : "none";
      const change = newChange(
        stack,
        address,
        "resource",
        after.type,
        after.name,
        action,
        statefulLoss(after.type) !== undefined,
      );
      if (from !== undefined) {
        (change as { from?: string }).from = from;
        change.notes.push(`renamed from ${from} through a \`moved\` block: tofu keeps the resource`);
      }
      change.attributes.push(...attributeChanges(diffs, showBefore, showAfter, ignored, reasons));
      if (
        action === "none" &&
        diffs.some((d) => d.path[0] !== "//" && d.path[0] !== "lifecycle" && isIgnored(attributePath(d.path), ignored))
      ) {
        change.notes.push(
          "only attributes in lifecycle.ignore_changes change: tofu leaves the existing resource as it is",
        );
      }
      return judge(change, { ...pair, action }, tables, reasons);
    };

    for (const address of [...new Set([...bRes.keys(), ...hRes.keys()])].sort()) {
      const before = bRes.get(address);
      const after = hRes.get(address);
      if (before && !after) {
        if (movedFrom.has(address)) continue;
        const action: Action = forgotten.has(address) ? "forget" : "delete";
        const change = newChange(
          stack,
          address,
          "resource",
          before.type,
          before.name,
          action,
          statefulLoss(before.type) !== undefined,
        );
        change.summary.push(...summaryAttributes(before.type, before.body, ctx(bVars, before.type)));
        if (action === "forget")
          change.notes.push("a `removed` block with `destroy = false`: tofu forgets it and the resource stays");
        const pair: ResourcePair = {
          stack,
          address,
          type: before.type,
          action,
          before: before.body,
          diffs: [],
          ignored: [],
          showBefore: ctx(bVars, before.type),
          showAfter: ctx(hVars, before.type),
        };
        changes.push(judge(change, pair, tables));
        continue;
      }
      if (!before && after) {
        const from = movedTo.get(address);
        if (from === undefined) {
          const action: Action = imports.has(address) ? "import" : "create";
          const change = newChange(
            stack,
            address,
            "resource",
            after.type,
            after.name,
            action,
            statefulLoss(after.type) !== undefined,
          );
          change.summary.push(...summaryAttributes(after.type, after.body, ctx(hVars, after.type)));
          if (action === "import")
            change.notes.push(
              `adopted through an \`import\` block (id ${showValue(imports.get(address), ["id"], {})}): nothing is created`,
            );
          const pair: ResourcePair = {
            stack,
            address,
            type: after.type,
            action,
            after: after.body,
            diffs: [],
            ignored: ignoredOf(after.body),
            showBefore: ctx(bVars, after.type),
            showAfter: ctx(hVars, after.type),
          };
          changes.push(judge(change, pair, tables));
          continue;
        }
      }
      const from = before === undefined ? movedTo.get(address) : undefined;
      const changed = pairChange(address, before ?? bRes.get(from!)!, after!, from);
      if (changed) changes.push(changed);
    }

    // Data sources, variables, outputs, locals, providers, the terraform block.
    changes.push(
      ...blockChanges(
        stack,
        "data",
        resourcesOf(b, "data"),
        resourcesOf(h, "data"),
        () => ctx(bVars, ""),
        () => ctx(hVars, ""),
      ),
    );
    const named = (doc: StackDocument, section: string, prefix: string): Map<string, Block> => {
      const out = new Map<string, Block>();
      const value = doc[section];
      if (isPlainObject(value))
        for (const name of Object.keys(value).sort())
          out.set(`${prefix}${name}`, { type: "", name, body: stripMetadata(value[name]) as Body });
      return out;
    };
    const varCtx = (name: string, side: "b" | "h"): ShowContext => {
      const either = [b, h].some(
        (doc) =>
          isPlainObject(doc.variable) &&
          isPlainObject((doc.variable as Body)[name]) &&
          ((doc.variable as Body)[name] as Body).sensitive === true,
      );
      return { sensitiveVariables: side === "b" ? bVars : hVars, isSensitive: (p) => either && p[0] === "default" };
    };
    const outCtx = (name: string, side: "b" | "h"): ShowContext => {
      const either = [b, h].some(
        (doc) =>
          isPlainObject(doc.output) &&
          isPlainObject((doc.output as Body)[name]) &&
          ((doc.output as Body)[name] as Body).sensitive === true,
      );
      return { sensitiveVariables: side === "b" ? bVars : hVars, isSensitive: (p) => either && p[0] === "value" };
    };
    changes.push(
      ...blockChanges(
        stack,
        "variable",
        named(b, "variable", "var."),
        named(h, "variable", "var."),
        (n) => varCtx(n, "b"),
        (n) => varCtx(n, "h"),
      ),
    );
    changes.push(
      ...blockChanges(
        stack,
        "output",
        named(b, "output", "output."),
        named(h, "output", "output."),
        (n) => outCtx(n, "b"),
        (n) => outCtx(n, "h"),
      ),
    );
    const locals = (doc: StackDocument): Map<string, Block> => {
      const out = new Map<string, Block>();
      if (isPlainObject(doc.locals))
        for (const name of Object.keys(doc.locals).sort())
          out.set(`local.${name}`, { type: "", name, body: { [name]: doc.locals[name] } });
      return out;
    };
    changes.push(
      ...blockChanges(
        stack,
        "local",
        locals(b),
        locals(h),
        () => ({ sensitiveVariables: bVars }),
        () => ({ sensitiveVariables: hVars }),
      ),
    );
    const providers = (doc: StackDocument): Map<string, Block> => {
      const out = new Map<string, Block>();
      if (isPlainObject(doc.provider))
        for (const name of Object.keys(doc.provider).sort())
          out.set(`provider.${name}`, { type: name, name, body: { [name]: doc.provider[name] } });
      return out;
    };
    changes.push(
      ...blockChanges(
        stack,
        "provider",
        providers(b),
        providers(h),
        () => ({ sensitiveVariables: bVars }),
        () => ({ sensitiveVariables: hVars }),
      ),
    );
    const settings = (doc: StackDocument): Map<string, Block> => {
      const out = new Map<string, Block>();
      const known = new Set([
        "//",
        "resource",
        "data",
        "variable",
        "output",
        "locals",
        "provider",
        "moved",
        "import",
        "removed",
      ]);
      for (const k of Object.keys(doc).sort())
        if (!known.has(k))
          out.set(k, { type: "", name: k, body: isPlainObject(doc[k]) ? (doc[k] as Body) : { [k]: doc[k] } });
      return out;
    };
    for (const change of blockChanges(
      stack,
      "terraform",
      settings(b),
      settings(h),
      () => ({ sensitiveVariables: bVars }),
      () => ({ sensitiveVariables: hVars }),
    )) {
      if (change.address === "terraform") {
        const paths = change.attributes.map((a) => a.path);
        if (paths.some((p) => p.startsWith("backend"))) {
          change.warnings.push({
            class: "state-backend",
            attribute: "backend",
            message:
              "the state backend or its key changes: tofu looks for this stack's state elsewhere, and with an empty state it would try to create every resource again; migrate the state first (`tofu init -migrate-state`)",
          });
        }
        if (paths.some((p) => p.startsWith("required_providers"))) {
          change.warnings.push({
            class: "provider-version",
            attribute: "required_providers",
            message: `the provider requirement changes: the replacement table used here is for ${tables.provider} (providers/*/replace.json; docs/provider-upgrade.md)`,
          });
        }
      }
      changes.push(change);
    }
  }

  // A resource removed from one stack and added to another of the same environment.
  const deleted = changes.filter((c) => c.kind === "resource" && c.action === "delete");
  for (const d of deleted) {
    for (const c of changes) {
      if (
        c.kind !== "resource" ||
        (c.action !== "create" && c.action !== "import") ||
        c.address !== d.address ||
        c.stack === d.stack
      )
        continue;
      if (environmentOf(c.stack) !== environmentOf(d.stack)) continue;
      const message = (other: string): string =>
        `${d.address} leaves ${d.stack} and appears in ${c.stack}: without \`tofu state mv\` (or removed + import blocks) tofu destroys it in one stack and creates a new one in the other (${other})`;
      d.warnings.push({ class: "cross-stack-move", message: message(`created in ${c.stack}`) });
      c.warnings.push({ class: "cross-stack-move", message: message(`destroyed in ${d.stack}`) });
    }
  }

  const find = (...targets: [ChangeTarget, ...ChangeTarget[]]): MutableChange => {
    for (const t of targets) {
      const found = changes.find((c) => c.kind === "resource" && c.stack === t.stack && c.address === t.address);
      if (found) return found;
    }
    const t = targets[0];
    const created = newChange(
      t.stack,
      t.address,
      "resource",
      t.type,
      t.address.slice(t.address.indexOf(".") + 1),
      "none",
      statefulLoss(t.type) !== undefined,
    );
    created.notes.push("its own configuration does not change; another change affects it");
    changes.push(created);
    return created;
  };
  classifyEnvironments(baseSide, headSide, find);

  return sortChanges(changes, options.stackOrder);
}

/** Changes of blocks other than resources: added, removed, changed. */
function blockChanges(
  stack: string,
  kind: BlockKind,
  before: Map<string, Block>,
  after: Map<string, Block>,
  ctxBefore: (name: string) => ShowContext,
  ctxAfter: (name: string) => ShowContext,
): MutableChange[] {
  const out: MutableChange[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(address);
    const a = after.get(address);
    const block = (a ?? b)!;
    if (b && a) {
      const diffs = diffValues(b.body, a.body);
      if (diffs.length === 0) continue;
      const change = newChange(stack, address, kind, block.type, block.name, "update", false);
      change.attributes.push(...attributeChanges(diffs, ctxBefore(block.name), ctxAfter(block.name)));
      out.push(change);
    } else {
      const change = newChange(stack, address, kind, block.type, block.name, a ? "create" : "delete", false);
      const body = block.body;
      const ctx = a ? ctxAfter(block.name) : ctxBefore(block.name);
      if (kind === "local") change.summary.push(`value ${showValue(body[block.name], [block.name], ctx)}`);
      if (kind === "data" || kind === "variable" || kind === "output") {
        for (const k of ["type", "value", "default", "sensitive"]) {
          if (Object.hasOwn(body, k)) change.summary.push(`${k} ${showValue(body[k], [k], ctx)}`);
        }
      }
      out.push(change);
    }
  }
  return out;
}
