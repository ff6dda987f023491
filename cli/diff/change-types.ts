/**
 * The vocabulary of `all2all diff` and `all2all plan-summary`: what a change
 * to one block of one stack is, why it is dangerous, and the report both
 * commands render. Pure types and constants, no dependencies.
 */

/** What happens to a block. */
export type Action =
  /** A new block: created by tofu. */
  | "create"
  /** A new resource adopted through an `import` block (or a plan's `importing`): nothing is created. */
  | "import"
  /** Removed from the configuration: tofu destroys it. */
  | "delete"
  /** Removed through a `removed` block with `destroy = false`: tofu forgets it, the resource stays. */
  | "forget"
  /** Changed in place. */
  | "update"
  /** Destroyed and created again (a change forces it, or may force it). */
  | "replace"
  /** Renamed through a `moved` block (with or without other changes). */
  | "move"
  /** Changed in the configuration with no effect on the infrastructure (ignored attributes, comments). */
  | "none";

/** What kind of block of a stack changes. */
export type BlockKind = "resource" | "data" | "variable" | "output" | "local" | "provider" | "terraform";

/**
 * Classes of dangerous changes: any of them makes the commands exit 3, so
 * that CI can require an approval. Listed in the order they are reported.
 */
export const DANGER_CLASSES = [
  "destroy-stateful",
  "replace",
  "protection-removed",
  "destructive-update",
  "world-open",
  "public-ipv4",
  "firewall-rules-at-risk",
] as const;
export type DangerClass = (typeof DANGER_CLASSES)[number];

/** Things a reviewer should read, which do not make the change dangerous. */
export const WARNING_CLASSES = [
  "disruptive-update",
  "ignore-lifted",
  "firewall-rename",
  "state-backend",
  "provider-version",
  "cross-stack-move",
] as const;
export type WarningClass = (typeof WARNING_CLASSES)[number];

/** How each class is named in the Markdown report. */
export const CLASS_LABELS: Readonly<Record<DangerClass | WarningClass, string>> = {
  "destroy-stateful": "DESTROYS STATEFUL RESOURCE",
  replace: "REPLACED",
  "protection-removed": "PROTECTION REMOVED",
  "destructive-update": "DESTRUCTIVE UPDATE",
  "world-open": "OPEN TO THE WORLD",
  "public-ipv4": "NEW PUBLIC IPv4",
  "firewall-rules-at-risk": "FIREWALL RULES AT RISK",
  "disruptive-update": "disruptive update",
  "ignore-lifted": "ignore_changes lifted",
  "firewall-rename": "firewall name or labels change",
  "state-backend": "state backend changes",
  "provider-version": "provider version changes",
  "cross-stack-move": "moves between stacks",
};

/** One reason a change is dangerous (or worth a warning). */
export interface Reason {
  readonly class: DangerClass | WarningClass;
  /** A sentence for people, values masked: what happens and why. */
  readonly message: string;
  /** The attribute concerned, as a path (`location`, `public_net.ipv4_enabled`), when there is one. */
  readonly attribute?: string;
  /** Where the fact comes from: the provider source file:line of the replacement table, a provider issue. */
  readonly source?: string;
}

/** One attribute that changes, with its values as shown (masked and shortened, never a secret). */
export interface AttributeChange {
  /** `location`, `public_net[0].ipv4_enabled`, `rule[3]`, `labels.role`. */
  readonly path: string;
  /** The value before, as shown; undefined when the attribute is new. */
  readonly old?: string;
  /** The value after, as shown; undefined when the attribute goes away. */
  readonly new?: string;
  /** The change is in `lifecycle.ignore_changes`: tofu does not apply it to the existing resource. */
  readonly ignored?: boolean;
  /** This attribute's change forces (or may force) the replacement. */
  readonly forcesReplacement?: boolean;
}

/** One block of one stack that changes. */
export interface Change {
  readonly stack: string;
  /**
   * Terraform address in the stack: `hcloud_server.web-1`, `data.x.y`, `var.x`, `output.y`, `provider.hcloud`,
   * `terraform`.
   */
  readonly address: string;
  readonly kind: BlockKind;
  /** Resource or data source type (`hcloud_server`); empty for other blocks. */
  readonly type: string;
  /** The block's name (`web-1`, `tsig_all2all_org_transfer`). */
  readonly name: string;
  readonly action: Action;
  /** For a move: the previous address. */
  readonly from?: string;
  /** Whether the resource type holds data or addresses (what destruction loses). */
  readonly stateful: boolean;
  /** For created and destroyed resources: a few identifying attributes (name, location, type), as shown. */
  readonly summary: readonly string[];
  readonly attributes: readonly AttributeChange[];
  readonly dangers: readonly Reason[];
  readonly warnings: readonly Reason[];
  /** Plain remarks: an import id, why tofu replaces a resource, what a new server is open to. */
  readonly notes: readonly string[];
}

/** Counts per action, for the title line and per stack. */
export type Counts = { readonly [key in Action | "dangerous"]: number };

/**
 * The result of a comparison: every change, dangerous ones first, and what the reader should know about how it was
 * made.
 */
export interface DiffReport {
  /** "diff" or "plan-summary". */
  readonly command: "diff" | "plan-summary";
  /** What was compared: `HEAD~1 (1a2b3c4)`, `the working tree`, a plan file. */
  readonly base?: string;
  readonly head?: string;
  /** Stacks compared, in deployment order. */
  readonly stacks: readonly string[];
  /**
   * Changes, sorted: dangerous ones first (stateful destruction and replacement before the others), then by stack and
   * address.
   */
  readonly changes: readonly Change[];
  /** Remarks about the comparison itself (how a side was synthesised, policy errors, a missing environment). */
  readonly notes: readonly string[];
  /** The monthly cost before and after (VAT included, ten-thousandths of a euro), when priced (diff). */
  readonly cost?: {
    readonly before: number;
    readonly after: number;
    readonly delta: number;
    readonly baseTaken: string;
    readonly headTaken: string;
  };
  /** diff: what `all2all synth` refuses in the head (exit 4), listed first. */
  readonly refusal?: { readonly errors: readonly RefusalError[] };
  /** diff: the zones served from a hidden primary, compared as their zone files render. */
  readonly zones?: ZonesReport;
  /** diff: per environment, `stacksDigest` of the head's stacks (cli/digest.ts), for `plan|deploy --expect-digest`. */
  readonly digests?: Readonly<Record<string, string>>;
}

/** The value shown for anything secret. */
export const SENSITIVE = "(sensitive)";
/** The value shown for a value a plan only knows after apply. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/**
 * Why the head cannot be deployed as it is: what `all2all synth` refuses
 * (configuration, synthesis, schema validation, policy errors). A refused
 * head makes `all2all diff` exit 4 (DIFF_REFUSED), whatever else it finds.
 */
export interface RefusalError {
  readonly kind: "configuration" | "synth" | "validation" | "policy";
  /** One line for people, as synth prints it. */
  readonly message: string;
  /** Policy errors: the rule, and where. */
  readonly rule?: string;
  readonly stack?: string;
  readonly address?: string;
}

/** Classes of DNS changes that can break service (exit 3, like DANGER_CLASSES). */
export const DNS_DANGER_CLASSES = [
  "dns-apex",
  "dns-mx-removed",
  "dns-target-removed",
  "dns-nameserver-address",
] as const;
export type DnsDangerClass = (typeof DNS_DANGER_CLASSES)[number];

export const DNS_CLASS_LABELS: Readonly<Record<DnsDangerClass, string>> = {
  "dns-apex": "APEX NS OR SOA CHANGED",
  "dns-mx-removed": "MX REMOVED",
  "dns-target-removed": "NAMED RECORD REMOVED",
  "dns-nameserver-address": "NAME SERVER ADDRESS CHANGED",
};

export interface DnsReason {
  readonly class: DnsDangerClass;
  readonly message: string;
}

/** One record set as a zone file serves it: values as shown (a server's address as its reference, `web-1.ipv4`). */
export interface DnsRecordSet {
  readonly ttl: number;
  readonly values: readonly string[];
}

/** A record set of a self-hosted zone that changes; the SOA is one (type `SOA`, its values without the serial). */
export interface DnsRecordChange {
  /** Absolute owner name, final dot. */
  readonly owner: string;
  readonly type: string;
  readonly action: "add" | "remove" | "change";
  readonly before?: DnsRecordSet;
  readonly after?: DnsRecordSet;
  readonly dangers: readonly DnsReason[];
}

/** A zone served from a hidden primary (secondary mode at Hetzner) on either side, as `all2all zonefile` renders it. */
export interface ZoneDiff {
  readonly environment: string;
  /** ASCII zone name, no final dot. */
  readonly zone: string;
  /** The hidden primary serving it (head's, else base's). */
  readonly server?: string;
  /** Whether the hidden primary serves it, on each side (false: primary mode at Hetzner, or no such zone). */
  readonly selfHosted: { readonly base: boolean; readonly head: boolean };
  /**
   * The SOA serial of each side's file: the head's file is rendered over the base's, so it changes only with the
   * content.
   */
  readonly serial: { readonly base?: number; readonly head?: number };
  readonly changes: readonly DnsRecordChange[];
  readonly notes: readonly string[];
}

/** The changed lines of two texts, counted and shown. */
export interface LineDiff {
  readonly added: number;
  readonly removed: number;
  /** Changed lines (`- old`, `+ new`), with `…` between distant hunks. */
  readonly lines: readonly string[];
}

/** A hidden primary's Knot configuration (`zonefile --knot`) that changes. */
export interface KnotDiff extends LineDiff {
  readonly environment: string;
  /** `knot/ns-1.conf`. */
  readonly file: string;
}

/** The self-hosted zones of both sides, compared. */
export interface ZonesReport {
  /** Every self-hosted zone compared, changed or not. */
  readonly zones: readonly ZoneDiff[];
  readonly knot: readonly KnotDiff[];
  /** How the zone files were rendered, and what could not be compared. */
  readonly notes: readonly string[];
}
