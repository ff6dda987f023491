/**
 * Knot configurations rendered by `all2all zonefile --knot`, made ready for
 * the tools: checked by `knotc conf-check` (with made-up key files), or run
 * by an unprivileged knotd on loopback.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { group } from "./checked";

/**
 * A copy of a rendered Knot configuration ready for `knotc conf-check`: the
 * configuration as knot.conf and, next to it, a key file with a random
 * secret for every key it includes (as operators create them on the server).
 */
export function knotCheckDir(configFile: string, dir: string): { conf: string; keys: string[] } {
  const text = fs.readFileSync(configFile, "utf8");
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, "knot.conf");
  fs.writeFileSync(conf, text);
  const keys: string[] = [];
  for (const match of text.matchAll(/^include: "([^"]+)"$/gm)) {
    const file = path.join(dir, group(match, 1));
    const name = path.basename(file, ".conf");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64");
    fs.writeFileSync(file, `key:\n  - id: ${name}\n    algorithm: hmac-sha256\n    secret: ${secret}\n`, {
      mode: 0o640,
    });
    keys.push(name);
  }
  return { conf, keys };
}

/** A free TCP port on the loopback interface (the UDP port of the same number is almost always free too). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Turns a rendered Knot configuration into one that runs unprivileged in a
 * test directory: the server section's run directory, user and listen
 * address, and the storage, are replaced; everything else (keys, ACLs,
 * policy, template, zones) is kept as rendered.
 */
export function localKnotConfig(text: string, dir: string, port: number): string {
  const replaced = text
    .replace(/^ {4}rundir: .*$/m, `    rundir: ${JSON.stringify(path.join(dir, "run"))}`)
    .replace(/^ {4}user: .*\n/m, "")
    .replace(/^ {4}listen: .*$/m, `    listen: [ 127.0.0.1@${port} ]`)
    .replace(/^ {4}storage: .*$/gm, `    storage: ${JSON.stringify(path.join(dir, "storage"))}`)
    .replace(/^ {2}- target: syslog$/m, "  - target: stderr");
  for (const [what, pattern] of [
    ["rundir", /rundir: "\/run\/knot"/],
    ["user", /user: knot/],
    ["listen", /0\.0\.0\.0@/],
    ["storage", /"\/var\/lib\/knot"/],
  ] as const) {
    if (pattern.test(replaced)) throw new Error(`localKnotConfig: ${what} was not replaced`);
  }
  return replaced;
}
