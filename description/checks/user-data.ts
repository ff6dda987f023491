/**
 * A server's user_data file: a path inside the config directory, an existing
 * file within Hetzner's size limit, UTF-8 text without private keys, starting
 * as cloud-init expects (and a YAML mapping when it is #cloud-config).
 */
import { LIMITS } from "../catalogue";
import { formatPath, type PathSegment } from "../problems";
import { privateKeyLines, PRIVATE_KEY_HINT, PRIVATE_KEY_MESSAGE } from "../sshkeys";
import type { ServerSpec } from "../types";
import { parseYaml } from "../yaml";
import type { CheckContext } from "./context";

const CLOUD_INIT_FIRST_LINES = ["#cloud-config", "#!", "#include", "#cloud-boothook", "## template: jinja"];

/** Reads and checks the user_data file at `relative`; undefined when it cannot be used (reported). */
export function checkUserData(
  ctx: CheckContext,
  path: readonly PathSegment[],
  relative: string,
): ServerSpec["user_data"] {
  const { r, files } = ctx;
  const rel = relative.trim();
  if (rel.startsWith("/") || /^[A-Za-z]:[\\/]/.test(rel) || rel.split(/[\\/]/).includes("..")) {
    r.report(path, `user_data "${relative}" must be a path inside the config directory`, "e.g. cloud-init/web.yaml");
    return undefined;
  }
  const read = files.read(rel);
  if (!read.ok) {
    const why =
      read.reason === "missing"
        ? "does not exist"
        : read.reason === "not-a-file"
          ? "is not a file"
          : "is outside the config directory";
    r.report(
      path,
      `user_data file ${files.display(rel)} ${why}`,
      "paths are relative to the config directory, e.g. cloud-init/web.yaml",
    );
    return undefined;
  }
  const bytes = read.bytes;
  if (bytes.length > LIMITS.userDataBytes) {
    r.report(
      path,
      `user_data file ${files.display(rel)} is ${bytes.length} bytes (Hetzner accepts at most ${LIMITS.userDataBytes})`,
      "move large content to a package or a download; keep cloud-init small",
    );
    return undefined;
  }
  const content = bytes.toString("utf8");
  if (content.includes("\uFFFD") && !Buffer.from(content, "utf8").equals(bytes)) {
    r.report(path, `user_data file ${files.display(rel)} is not UTF-8 text`);
    return undefined;
  }
  const ok = checkContent(ctx, path, files.display(rel), content);
  return ok ? { path: rel, content } : undefined;
}

/** The file's text: no private key, a first line cloud-init reads, valid YAML for #cloud-config; true when usable. */
function checkContent(ctx: CheckContext, path: readonly PathSegment[], display: string, content: string): boolean {
  const problems = ctx.r.problems;
  const at = formatPath(path);
  let ok = true;
  for (const line of privateKeyLines(content)) {
    problems.push({ file: display, line, col: 1, path: at, message: PRIVATE_KEY_MESSAGE, hint: PRIVATE_KEY_HINT });
    ok = false;
  }
  const firstLine = content.split(/\r?\n/, 1)[0]!.trimEnd(); // split gives at least one part
  if (!CLOUD_INIT_FIRST_LINES.some((start) => firstLine.startsWith(start))) {
    problems.push({
      file: display,
      line: 1,
      col: 1,
      path: at,
      message:
        "user_data must start with #cloud-config or #! (cloud-init ignores it otherwise), " +
        `not "${firstLine.slice(0, 40)}"`,
    });
    ok = false;
  } else if (firstLine.startsWith("#cloud-config")) {
    const parsed = parseYaml(display, content);
    for (const problem of parsed.problems) {
      problems.push({ ...problem, path: at });
      ok = false;
    }
    if (parsed.root && parsed.root.kind !== "map") {
      const message = "a #cloud-config file must be a YAML mapping";
      problems.push({ file: display, line: 1, col: 1, path: at, message });
      ok = false;
    }
  }
  return ok;
}
