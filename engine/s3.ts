/**
 * An S3-compatible server on loopback, for `all2all rehearse --state s3` and
 * the state-locking tests: versitygw (pinned in engine/versions.json, built by
 * `npm run engine`), serving a folder with its posix backend, where a bucket
 * is a subfolder of the root. versitygw honours conditional writes (a PUT with If-None-Match: *
 * of a key that exists answers 412 Precondition Failed), on which the lock
 * file of the S3 backend's use_lockfile depends.
 *
 * The access key and secret are random per server and live only in the
 * returned object and the environment of the processes given it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as os from "node:os";
import { findVersitygw, VERSITYGW_HINT } from "./engine";

export interface S3Server {
  /** `http://127.0.0.1:<port>`: the backend's `endpoints.s3`. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** The folder served; `<root>/<bucket>/<key>` is the object `<key>`. */
  readonly root: string;
  /** What tofu needs to reach the server, and nothing else: the credentials, no metadata service, no proxy. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether object `key` of the bucket exists. */
  has(key: string): boolean;
  /** Object `key` of the bucket, as text (throws when absent). */
  read(key: string): string;
  /** Kills the server, and removes its folder unless it was given as `dir`. */
  stop(): Promise<void>;
}

export interface S3Options {
  /** @default "all2all-tfstate-test" */
  readonly bucket?: string;
  /** The region the server signs for, which the backend must name. @default "hel1" */
  readonly region?: string;
  /**
   * The folder to keep the server's files in (created when missing): the
   * buckets under `<dir>/root`. It stays after stop().
   * @default - a temporary folder, removed by stop()
   */
  readonly dir?: string;
  /** How long to wait for the server to answer. @default 15000 */
  readonly readyTimeoutMs?: number;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to take). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether anything answers HTTP on the endpoint (an unsigned request answers 403: that is an answer). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const r = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    await r.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts versitygw on 127.0.0.1 with one empty bucket; throws, with its output, when it does not answer in time. */
export async function startS3(opts: S3Options = {}): Promise<S3Server> {
  const bin = findVersitygw(process.env);
  if (!bin) throw new Error(`versitygw is not built: ${VERSITYGW_HINT}`);
  const bucket = opts.bucket ?? "all2all-tfstate-test";
  if (!/^[a-z0-9][a-z0-9.-]{2,62}$/.test(bucket))
    throw new Error(`bucket ${JSON.stringify(bucket)}: an S3 bucket name is 3 to 63 of a-z, 0-9, '.' and '-'`);
  const region = opts.region ?? "hel1";
  const given = opts.dir !== undefined;
  const dir = given ? path.resolve(opts.dir!) : fs.mkdtempSync(path.join(os.tmpdir(), "all2all-s3-"));
  const root = path.join(dir, "root");
  // With the posix backend a folder under the root is a bucket.
  fs.mkdirSync(path.join(root, bucket), { recursive: true });
  const access = `test${randomBytes(8).toString("hex")}`;
  const secret = randomBytes(24).toString("hex");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(bin, ["--port", `127.0.0.1:${port}`, "--region", region, "posix", root], {
    // The credentials by environment, never on a command line that `ps` shows.
    env: { PATH: process.env.PATH ?? "", HOME: dir, ROOT_ACCESS_KEY: access, ROOT_SECRET_KEY: secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    if (!exited(child)) child.kill("SIGKILL");
    await closed;
    if (!given) fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  let ready = false;
  while (!ready && !exited(child) && Date.now() < deadline) {
    ready = await answers(endpoint);
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    const why = exited(child)
      ? `exited (${child.exitCode ?? child.signalCode})`
      : `did not answer within ${opts.readyTimeoutMs ?? 15_000} ms`;
    await stop();
    throw new Error(`versitygw on ${endpoint} ${why}:\n${output}`);
  }

  const file = (key: string) => {
    const f = path.join(root, bucket, key);
    if (path.relative(path.join(root, bucket), f).startsWith("..")) throw new Error(`key ${key} is outside the bucket`);
    return f;
  };
  return {
    endpoint,
    bucket,
    region,
    root,
    env: {
      AWS_ACCESS_KEY_ID: access,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_EC2_METADATA_DISABLED: "true",
      NO_PROXY: "*",
      no_proxy: "*",
    },
    has: (key) => fs.existsSync(file(key)),
    read: (key) => fs.readFileSync(file(key), "utf8"),
    stop,
  };
}
