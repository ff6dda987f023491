/**
 * The environment block: its location among the allowed ones, its labels and
 * the state backend (local, or S3 with a valid bucket, endpoint and key prefix).
 */
import type { Description } from "../schema";
import type { StateSpec } from "../types";
import { checkLabels, checkLocationAllowed } from "./common";
import type { CheckContext, Reporter } from "./context";

/** Checks the environment's location, labels and state backend; returns the resolved state settings. */
export function checkEnvironment(ctx: CheckContext): StateSpec {
  const environment = ctx.d.environment;
  checkLocationAllowed(ctx, environment.location, ["environment", "location"]);
  checkLabels(ctx.r, ["environment", "labels"], environment.labels);
  return checkState(ctx.r, ctx.env, environment.state);
}

/** Checks the state backend's fields; an s3 backend's key prefix defaults to all2all/<env>. */
function checkState(r: Reporter, env: string, state: Description["environment"]["state"]): StateSpec {
  const path = ["environment", "state"];
  const s3Fields = ["bucket", "key_prefix", "endpoint", "region"] as const;
  if (state.backend === "local") {
    for (const field of s3Fields) {
      if (state[field] !== undefined) {
        r.report([...path, field], `${field} is only for the s3 backend`, "set backend: s3, or remove it");
      }
    }
    return { backend: "local" };
  }
  for (const field of ["bucket", "endpoint", "region"] as const) {
    if (!state[field]?.trim()) r.report([...path, field], `the s3 backend needs ${field}`);
  }
  if (state.endpoint !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?\/?$/.test(state.endpoint)) {
    r.report(
      [...path, "endpoint"],
      `endpoint "${state.endpoint}" must be an https:// URL`,
      "e.g. https://fsn1.your-objectstorage.com",
    );
  }
  if (state.bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(state.bucket)) {
    r.report(
      [...path, "bucket"],
      `bucket name "${state.bucket}" is not a valid S3 bucket name`,
      "3 to 63 lower-case letters, digits, dots and hyphens",
    );
  }
  const keyPrefix = state.key_prefix ?? `all2all/${env}`;
  if (!/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(keyPrefix)) {
    r.report(
      [...path, "key_prefix"],
      `key_prefix "${keyPrefix}" must be a relative path without leading or trailing slash`,
    );
  }
  return {
    backend: "s3",
    bucket: state.bucket ?? "",
    key_prefix: keyPrefix,
    endpoint: state.endpoint ?? "",
    region: state.region ?? "",
  };
}
