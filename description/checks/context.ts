/**
 * The context every check of a description runs on, built once per
 * environment: the shape-checked description, the tree it came from (for
 * file:line), the problem sink and the environment's defaults.
 */
import { LOCATIONS, type NetworkZone } from "../catalogue";
import type { Description } from "../schema";
import type { ConfigProblem, PathSegment } from "../problems";
import type { LabelMap } from "../types";
import { originAt, problemAt, type Node } from "../yaml";

/** Access to files of the config directory (for user_data), so the checks stay testable. */
export interface ConfigFiles {
  /** Reads a file by its path relative to the config directory. */
  read(relative: string): { ok: true; bytes: Buffer } | { ok: false; reason: "missing" | "not-a-file" | "outside" };
  /** How a relative path is shown in problems (e.g. config/cloud-init/web.yaml). */
  display(relative: string): string;
}

export interface CheckInput {
  readonly env: string;
  readonly description: Description;
  readonly root: Node;
  /** Display names of the shared files (settings specific to one environment do not belong there). */
  readonly sharedFiles: ReadonlySet<string>;
  readonly files: ConfigFiles;
  /** `<kind>/<name>` of everything the shared files declare, before an overlay removes some. */
  readonly sharedNames?: ReadonlySet<string>;
  /** The day deprecations are judged on (YYYY-MM-DD). @default today */
  readonly today?: string;
}

export const MANAGED_BY = "all2all-infra";

/** The problem sink: problems and warnings located by their path in the description's tree. */
export class Reporter {
  readonly problems: ConfigProblem[] = [];
  /** What is valid but needs attention soon (a deprecated server type); printed, never refused. */
  readonly warnings: ConfigProblem[] = [];
  constructor(private readonly root: Node) {}

  report(path: readonly PathSegment[], message: string, hint?: string, at: "value" | "key" = "value"): void {
    this.problems.push(problemAt(this.root, path, message, hint, at));
  }

  warn(path: readonly PathSegment[], message: string, hint?: string): void {
    this.warnings.push(problemAt(this.root, path, message, hint));
  }

  line(path: readonly PathSegment[]): number {
    return originAt(this.root, path).line;
  }

  file(path: readonly PathSegment[]): string {
    return originAt(this.root, path).file;
  }

  /** "line 12", or "config/network.yaml:12" when in another file than `from`. */
  where(path: readonly PathSegment[], from: readonly PathSegment[]): string {
    const origin = originAt(this.root, path);
    return origin.file === this.file(from) ? `line ${origin.line}` : `${origin.file}:${origin.line}`;
  }
}

/** What every check reads: the input, the description, the sink and the environment's defaults. */
export interface CheckContext {
  readonly input: CheckInput;
  /** The environment's name (its overlay's file name). */
  readonly env: string;
  /** The shape-checked description of the environment (zod output). */
  readonly d: Description;
  readonly r: Reporter;
  readonly files: ConfigFiles;
  /** The day deprecations are judged on (YYYY-MM-DD). */
  readonly today: string;
  /** The network zone of the environment's default location. */
  readonly envZone: NetworkZone;
}

/** The context of one environment's checks, with an empty problem sink. */
export function createContext(input: CheckInput): CheckContext {
  const d = input.description;
  return {
    input,
    env: input.env,
    d,
    r: new Reporter(input.root),
    files: input.files,
    today: input.today ?? new Date().toISOString().slice(0, 10),
    envZone: LOCATIONS[d.environment.location]!.networkZone, // the schema's enum: a catalogue location
  };
}

/** The complete labels of an item: managed-by, environment and role, then the environment's and its own. */
export function labelsFor(ctx: CheckContext, role: string, own: Readonly<Record<string, string>>): LabelMap {
  return { "managed-by": MANAGED_BY, environment: ctx.env, role, ...ctx.d.environment.labels, ...own };
}
