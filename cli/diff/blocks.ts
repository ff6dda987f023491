/**
 * The blocks of a synthesised stack (cdk.tf.json), section by section, and
 * the changes of the blocks other than resources: data sources, variables,
 * outputs, locals, providers and the terraform block. Pure.
 */
import type { Body, MutableChange } from "./classify";
import { attributeChanges, newChange, publishedPath } from "./change";
import type { BlockKind } from "./change-types";
import type { ReplaceTables } from "./tables";
import { diffValues, isPlainObject, showValue, type ShowContext } from "./values";

/** A stack's synthesised document (cdk.tf.json), as parsed. */
export type StackDocument = Record<string, unknown>;

/** One block of a stack: its type (resources, data sources, providers; empty for others), name and body. */
export interface Block {
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

/** One side of a stack: its document, its sensitive variables and its resources by address. */
export interface Side {
  readonly doc: StackDocument;
  readonly sensitiveVariables: ReadonlySet<string>;
  readonly resources: ReadonlyMap<string, Block>;
}

/** A stack as both sides have it (an empty document on the side without it). */
export interface StackSides {
  readonly stack: string;
  readonly base: Side;
  readonly head: Side;
}

export function stackSides(stack: string, base: StackDocument, head: StackDocument): StackSides {
  const side = (doc: StackDocument): Side => ({
    doc,
    sensitiveVariables: sensitiveVariables(doc),
    resources: resourcesOf(doc, "resource"),
  });
  return { stack, base: side(base), head: side(head) };
}

/** How a block of a side shows its values: its stack's sensitive variables masked, DNS values published. */
export function showOf(side: Side, type: string): ShowContext {
  return { sensitiveVariables: side.sensitiveVariables, isPublished: publishedPath(type) };
}

/**
 * The body without cdktn's construct metadata (`//.metadata`), which
 * changes with code layout, not with infrastructure.
 */
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

function sensitiveVariables(doc: StackDocument): Set<string> {
  const vars = doc.variable;
  const out = new Set<string>();
  if (isPlainObject(vars))
    for (const [name, v] of Object.entries(vars)) if (isPlainObject(v) && v.sensitive === true) out.add(name);
  return out;
}

/** The blocks of a section keyed by name (variables, outputs), addressed `${prefix}${name}`. */
function namedBlocks(doc: StackDocument, section: string, prefix: string): Map<string, Block> {
  const out = new Map<string, Block>();
  const value = doc[section];
  if (isPlainObject(value))
    for (const name of Object.keys(value).sort())
      out.set(`${prefix}${name}`, { type: "", name, body: stripMetadata(value[name]) as Body });
  return out;
}

/** Each local as a block whose body is `{ name: value }`. */
function localBlocks(doc: StackDocument): Map<string, Block> {
  const out = new Map<string, Block>();
  if (isPlainObject(doc.locals))
    for (const name of Object.keys(doc.locals).sort())
      out.set(`local.${name}`, { type: "", name, body: { [name]: doc.locals[name] } });
  return out;
}

/** Each provider as a block whose body is `{ name: configuration }`. */
function providerBlocks(doc: StackDocument): Map<string, Block> {
  const out = new Map<string, Block>();
  if (isPlainObject(doc.provider))
    for (const name of Object.keys(doc.provider).sort())
      out.set(`provider.${name}`, { type: name, name, body: { [name]: doc.provider[name] } });
  return out;
}

/** Top-level keys read by the other sections, or not blocks of their own (comments, moved, import, removed). */
const SECTIONS_READ = new Set([
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

/** Every other top-level key (the terraform block) as a block of its own. */
function settingBlocks(doc: StackDocument): Map<string, Block> {
  const out = new Map<string, Block>();
  for (const k of Object.keys(doc).sort())
    if (!SECTIONS_READ.has(k))
      out.set(k, { type: "", name: k, body: isPlainObject(doc[k]) ? (doc[k] as Body) : { [k]: doc[k] } });
  return out;
}

/** A section of blocks other than resources, and for variables and outputs which attribute `sensitive` masks. */
interface Section {
  readonly kind: BlockKind;
  readonly blocks: (doc: StackDocument) => Map<string, Block>;
  readonly sensitive?: { readonly section: string; readonly attribute: string };
}

/** In the order their changes are listed (before sorting). */
const SECTIONS: readonly Section[] = [
  { kind: "data", blocks: (doc) => resourcesOf(doc, "data") },
  {
    kind: "variable",
    blocks: (doc) => namedBlocks(doc, "variable", "var."),
    sensitive: { section: "variable", attribute: "default" },
  },
  {
    kind: "output",
    blocks: (doc) => namedBlocks(doc, "output", "output."),
    sensitive: { section: "output", attribute: "value" },
  },
  { kind: "local", blocks: localBlocks },
  { kind: "provider", blocks: providerBlocks },
  { kind: "terraform", blocks: settingBlocks },
];

/** How a side shows the values of a section's block named `name`. */
function sectionShow(sides: StackSides, section: Section, side: Side): (name: string) => ShowContext {
  const masked = section.sensitive;
  if (masked === undefined) return () => ({ sensitiveVariables: side.sensitiveVariables });
  return (name) => {
    const either = [sides.base.doc, sides.head.doc].some((doc) => {
      const blocks = doc[masked.section];
      return isPlainObject(blocks) && isPlainObject(blocks[name]) && (blocks[name] as Body).sensitive === true;
    });
    return { sensitiveVariables: side.sensitiveVariables, isSensitive: (p) => either && p[0] === masked.attribute };
  };
}

/** The changes of a stack's blocks other than resources; the terraform block's with their warnings. */
export function otherBlockChanges(sides: StackSides, tables: ReplaceTables): MutableChange[] {
  return SECTIONS.flatMap((section) => {
    const changes = blockChanges(
      sides.stack,
      section.kind,
      section.blocks(sides.base.doc),
      section.blocks(sides.head.doc),
      sectionShow(sides, section, sides.base),
      sectionShow(sides, section, sides.head),
    );
    if (section.kind === "terraform")
      for (const change of changes) if (change.address === "terraform") warnTerraform(change, tables);
    return changes;
  });
}

/** A state backend or provider requirement that changes in the terraform block. */
function warnTerraform(change: MutableChange, tables: ReplaceTables): void {
  const paths = change.attributes.map((a) => a.path);
  if (paths.some((p) => p.startsWith("backend"))) {
    change.warnings.push({
      class: "state-backend",
      attribute: "backend",
      message:
        "the state backend or its key changes: tofu looks for this stack's state elsewhere, and with an empty " +
        "state it would try to create every resource again; migrate the state first (`tofu init -migrate-state`)",
    });
  }
  if (paths.some((p) => p.startsWith("required_providers"))) {
    change.warnings.push({
      class: "provider-version",
      attribute: "required_providers",
      message:
        `the provider requirement changes: the replacement table used here is ` +
        `for ${tables.provider} (providers/*/replace.json; docs/provider-upgrade.md)`,
    });
  }
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
    const head = { stack, address, kind, type: block.type, name: block.name };
    if (b && a) {
      const diffs = diffValues(b.body, a.body);
      if (diffs.length === 0) continue;
      const change = newChange({ ...head, action: "update" });
      change.attributes.push(...attributeChanges(diffs, ctxBefore(block.name), ctxAfter(block.name)));
      out.push(change);
    } else {
      const change = newChange({ ...head, action: a ? "create" : "delete" });
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
