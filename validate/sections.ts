/**
 * The top-level sections of a stack other than resources, data sources and
 * providers (rule 11): terraform, variable, output, locals, module, import,
 * moved, removed and check.
 *
 * These are Terraform's own language, not a provider's, so their arguments
 * are listed here. Each section gets the checks that catch real mistakes
 * cheaply: unknown arguments, missing required ones (output value, module
 * source, import to/id, moved from/to), references in every expression
 * (rule 7), import and moved targets that must be declared in the stack,
 * and removed blocks whose resource is still declared.
 */

import { describeValue } from "./cty";
import { type Site, type StackContext, reportError, siteOf } from "./context";
import { parseTraversal } from "./expressions";
import { type JsonObject, asList, isObject, own, sectionEntries } from "./json";
import { suggestionSuffix } from "../primitives/edit-distance";
import { attrPath } from "./paths";
import { addressProblem, checkStrings } from "./references";
import { validateConditions, validateDependsOn, validateProviderReference, validateResourceSection } from "./resources";

const TERRAFORM_KEYS: ReadonlySet<string> = new Set([
  "required_version",
  "required_providers",
  "backend",
  "cloud",
  "experiments",
  "provider_meta",
  "encryption",
  "//",
]);
const VARIABLE_KEYS: ReadonlySet<string> = new Set([
  "type",
  "default",
  "description",
  "sensitive",
  "nullable",
  "validation",
  "ephemeral",
  "//",
]);
const OUTPUT_KEYS: ReadonlySet<string> = new Set([
  "value",
  "description",
  "sensitive",
  "depends_on",
  "precondition",
  "ephemeral",
  "//",
]);
const IMPORT_KEYS: ReadonlySet<string> = new Set(["to", "id", "identity", "provider", "for_each", "//"]);
const MOVED_KEYS: ReadonlySet<string> = new Set(["from", "to", "//"]);
const REMOVED_KEYS: ReadonlySet<string> = new Set(["from", "lifecycle", "provisioner", "connection", "//"]);
const CHECK_KEYS: ReadonlySet<string> = new Set(["data", "assert", "//"]);

/** Reports keys of `body` that are not in `allowed`. */
function checkKeys(site: Site, path: string, body: JsonObject, allowed: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(body)) {
    if (allowed.has(key)) continue;
    const names = [...allowed].filter((k) => k !== "//");
    reportError(
      site,
      attrPath(path, key),
      `unknown argument "${key}" in ${what} (expected one of ${names.join(", ")}${suggestionSuffix(key, names)})`,
    );
  }
}

/** For sections of labelled blocks: runs `each` on every (name, object body), reporting other shapes. */
function forEachLabelled(
  ctx: StackContext,
  section: string,
  value: unknown,
  prefix: string,
  each: (site: Site, body: JsonObject) => void,
): void {
  const entries = sectionEntries(value);
  if (entries === undefined) {
    reportError(siteOf(ctx, section), "", `wrong type: got ${describeValue(value)} (expected an object keyed by name)`);
    return;
  }
  for (const [name, raw] of entries) {
    const site = siteOf(ctx, `${prefix}.${name}`);
    const body = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    if (isObject(body)) each(site, body);
    else reportError(site, "", `wrong type: got ${describeValue(raw)} (expected an object)`);
  }
}

/** For sections of unlabelled blocks (import, moved, removed): an object or an array of objects. */
function forEachListed(
  ctx: StackContext,
  section: string,
  value: unknown,
  each: (site: Site, body: JsonObject) => void,
): void {
  asList(value).forEach((body, i) => {
    const site = siteOf(ctx, `${section}[${i}]`);
    if (isObject(body)) each(site, body);
    else reportError(site, "", `wrong type: got ${describeValue(body)} (expected an object)`);
  });
}

export function validateTerraformSection(ctx: StackContext, value: unknown): void {
  const site = siteOf(ctx, "terraform");
  asList(value).forEach((block) => {
    if (!isObject(block)) {
      reportError(site, "", `wrong type: got ${describeValue(block)} (expected an object)`);
      return;
    }
    checkKeys(site, "", block, TERRAFORM_KEYS, "the terraform block");
    for (const [name, entry] of sectionEntries(own(block, "required_providers")) ?? []) {
      const path = attrPath("required_providers", name);
      if (typeof entry === "string") continue;
      if (!isObject(entry)) {
        reportError(site, path, `wrong type: got ${describeValue(entry)} (expected an object with source and version)`);
      } else if (own(entry, "source") !== undefined && typeof own(entry, "source") !== "string") {
        reportError(
          site,
          attrPath(path, "source"),
          `wrong type: got ${describeValue(own(entry, "source"))} (expected a ` +
            `source address such as "hetznercloud/hcloud")`,
        );
      }
    }
  });
}

export function validateVariableSection(ctx: StackContext, value: unknown): void {
  forEachLabelled(ctx, "variable", value, "var", (site, body) => {
    checkKeys(site, "", body, VARIABLE_KEYS, "a variable");
    const validation = own(body, "validation");
    if (validation !== undefined) validateConditions(site, "validation", validation);
  });
}

export function validateOutputSection(ctx: StackContext, value: unknown): void {
  forEachLabelled(ctx, "output", value, "output", (site, body) => {
    checkKeys(site, "", body, OUTPUT_KEYS, "an output");
    if (own(body, "value") === undefined)
      reportError(site, "value", `missing required argument "value" (expected the value to export)`);
    else checkStrings(site, "value", own(body, "value"));
    const dependsOn = own(body, "depends_on");
    if (dependsOn !== undefined) validateDependsOn(site, "depends_on", dependsOn);
    const precondition = own(body, "precondition");
    if (precondition !== undefined) validateConditions(site, "precondition", precondition);
  });
}

export function validateLocalsSection(ctx: StackContext, value: unknown): void {
  asList(value).forEach((block) => {
    if (!isObject(block)) {
      reportError(
        siteOf(ctx, "locals"),
        "",
        `wrong type: got ${describeValue(block)} (expected an object of local values)`,
      );
      return;
    }
    for (const [name, item] of Object.entries(block)) {
      if (name !== "//") checkStrings(siteOf(ctx, `local.${name}`), "", item);
    }
  });
}

export function validateModuleSection(ctx: StackContext, value: unknown): void {
  forEachLabelled(ctx, "module", value, "module", (site, body) => {
    const source = own(body, "source");
    if (typeof source !== "string") {
      reportError(
        site,
        "source",
        `${source === undefined ? "missing required argument" : "wrong type for"} "source" ` +
          `(expected a module source string)`,
      );
    }
    for (const [key, item] of Object.entries(body)) {
      if (key === "//" || key === "source") continue;
      if (key === "depends_on") validateDependsOn(site, key, item);
      else if (key === "providers") validateModuleProviders(site, item);
      else checkStrings(site, key, item);
    }
  });
}

function validateModuleProviders(site: Site, value: unknown): void {
  if (!isObject(value)) {
    reportError(
      site,
      "providers",
      `wrong type: got ${describeValue(value)} (expected an object mapping module provider names to configurations)`,
    );
    return;
  }
  for (const [name, reference] of Object.entries(value))
    validateProviderReference(site, attrPath("providers", name), reference);
}

export function validateImportSection(ctx: StackContext, value: unknown): void {
  forEachListed(ctx, "import", value, (site, body) => {
    checkKeys(site, "", body, IMPORT_KEYS, "an import block");
    const to = own(body, "to");
    const problem =
      to === undefined
        ? `missing required argument "to" (expected the address to import into)`
        : addressProblem(to, "import", site);
    if (problem !== undefined) reportError(site, "to", problem);
    if (own(body, "id") === undefined && own(body, "identity") === undefined) {
      reportError(site, "id", `missing required argument "id" (expected the provider's ID of the object to import)`);
    }
    for (const key of ["id", "identity", "for_each"]) checkStrings(site, key, own(body, key));
    if (own(body, "provider") !== undefined) validateProviderReference(site, "provider", own(body, "provider"));
  });
}

export function validateMovedSection(ctx: StackContext, value: unknown): void {
  forEachListed(ctx, "moved", value, (site, body) => {
    checkKeys(site, "", body, MOVED_KEYS, "a moved block");
    const from = own(body, "from");
    if (typeof from !== "string" || parseTraversal(from) === undefined) {
      reportError(
        site,
        "from",
        `${from === undefined ? "missing" : "invalid"} "from" address (expected ` +
          `the previous address, such as hcloud_server.old)`,
      );
    }
    const to = own(body, "to");
    const problem =
      to === undefined
        ? `missing required argument "to" (expected the new address)`
        : addressProblem(to, "moved", site);
    if (problem !== undefined) reportError(site, "to", problem);
  });
}

export function validateRemovedSection(ctx: StackContext, value: unknown): void {
  forEachListed(ctx, "removed", value, (site, body) => {
    checkKeys(site, "", body, REMOVED_KEYS, "a removed block");
    const from = own(body, "from");
    const address = typeof from === "string" ? parseTraversal(from) : undefined;
    if (address === undefined) {
      reportError(
        site,
        "from",
        `${from === undefined ? "missing" : "invalid"} "from" address (expected ` +
          `the address of the removed resource or module)`,
      );
      return;
    }
    const [first] = address.steps;
    const stillDeclared =
      address.steps.length === 1 &&
      first?.kind === "attr" &&
      (address.root === "module"
        ? site.ctx.symbols.modules.has(first.name)
        : site.ctx.symbols.resources.get(address.root)?.has(first.name) === true);
    if (stillDeclared)
      reportError(
        site,
        "from",
        `"${from}" is still declared in this stack (expected a removed block only for objects no longer declared)`,
      );
    for (const key of ["provisioner", "connection"]) checkStrings(site, key, own(body, key));
  });
}

export function validateCheckSection(ctx: StackContext, value: unknown): void {
  forEachLabelled(ctx, "check", value, "check", (site, body) => {
    checkKeys(site, "", body, CHECK_KEYS, "a check block");
    const data = own(body, "data");
    if (data !== undefined) validateResourceSection(ctx, "data", data);
    const asserts = own(body, "assert");
    if (asserts === undefined)
      reportError(
        site,
        "assert",
        `missing "assert" block (expected at least one assert with condition and error_message)`,
      );
    else validateConditions(site, "assert", asserts);
  });
}
