/**
 * Helpers for the construct tests, reading: a stack's synthesised Terraform
 * JSON, its resources of one type, its addresses, import blocks and the
 * variables it references.
 */
import { type TerraformStack, Testing } from "cdktn";

/** The stack's synthesised Terraform JSON, parsed. */
export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** The resources of one type, by name (`{}` when there are none). */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The addresses (`type.name`) of every resource in the JSON, sorted. */
export function addressesOf(json: any): string[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`))
    .sort();
}

/** The `import` blocks of the JSON, as `{ to, id }`. */
export function importsOf(json: any): Array<{ to: string; id: string }> {
  return (json.import ?? []).map((block: any) => ({ to: block.to, id: block.id }));
}

/** The synthesised JSON as text with every `${var.…}` reference listed: what must be the only form a secret takes. */
export function variableReferences(json: any): string[] {
  return [...new Set(JSON.stringify(json).match(/\$\{var\.[A-Za-z0-9_]+\}/g) ?? [])].sort();
}
