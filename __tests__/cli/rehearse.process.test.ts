// all2all rehearse and npm run sim: the refusals before anything runs.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { captureIo } from "../../cli/io";
import { main } from "../../cli/main";
import { sandboxSecret } from "../../cli/rehearse/sandbox";
import { cliConfigText, engineKey, engineLayout, readVersions } from "../../engine/engine";
import { makeTempDir, repoRoot } from "../../testing/tmp";

const t = makeTempDir("all2all-rehearse-cli-");
afterAll(() => t.cleanup());

async function cli(argv: string[], env: Record<string, string | undefined>) {
  const io = captureIo(env, t.dir);
  const code = await main(argv, io, repoRoot);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

test("without the engine it exits 2 and names npm run engine", async () => {
  const r = await cli(["rehearse", "--env", "staging"], { ALL2ALL_ENGINE_CACHE: path.join(t.dir, "no-engine") });
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(
    /the engine \(OpenTofu and the hcloud provider\) is not built: run `npm run engine`/,
  );
});

test("--env is required", async () => {
  const r = await cli(["rehearse"], {});
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(/--env is required/);
});

test("--keep must be a new or empty folder", async () => {
  const cache = fakeEngineCache("cache");
  const keep = path.join(t.dir, "busy");
  fs.mkdirSync(keep);
  fs.writeFileSync(path.join(keep, "something"), "");
  const r = await cli(["rehearse", "--env", "staging", "--keep", keep], { ALL2ALL_ENGINE_CACHE: cache });
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(/--keep .*busy is not empty: give a new or empty folder/);
});

/** A complete engine layout of empty files, so that the checks after findEngine are reached. */
function fakeEngineCache(name: string): string {
  const cache = path.join(t.dir, name);
  const v = readVersions();
  const e = engineLayout(path.join(cache, engineKey(v)), v);
  for (const f of [e.tofu, ...e.providerCopies]) {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, "");
  }
  fs.writeFileSync(e.cliConfig, cliConfigText(e, v));
  return cache;
}

test("--state takes local or s3 only", async () => {
  const r = await cli(["rehearse", "--env", "staging", "--state", "bucket"], {
    ALL2ALL_ENGINE_CACHE: fakeEngineCache("cache-state"),
  });
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(
    /--state "bucket": give local \(state files in the work folder, the default\) or s3/,
  );
});

test("--state s3 without versitygw exits 2 and names npm run engine", async () => {
  const r = await cli(["rehearse", "--env", "staging", "--state", "s3"], {
    ALL2ALL_ENGINE_CACHE: fakeEngineCache("cache-no-s3"),
  });
  expect(r.code).toBe(2);
  expect(r.stderr.join("\n")).toMatch(/--state s3 needs versitygw, which is not built: run `npm run engine`/);
});

test("the sandbox's secrets fit what they stand for: base64 TSIG keys, passwords that meet Hetzner's rules", () => {
  expect(Buffer.from(sandboxSecret("tsig_all2all_org_transfer"), "base64")).toHaveLength(32);
  const password = sandboxSecret("storage_box_password_backup");
  expect(password).toMatch(/[a-z]/);
  expect(password).toMatch(/[A-Z]/);
  expect(password).toMatch(/[0-9]/);
  expect(password).toMatch(/[^A-Za-z0-9]/);
  expect(password.length).toBeGreaterThanOrEqual(12);
  expect(sandboxSecret("x")).not.toBe(sandboxSecret("x"));
});

describe("npm run sim", () => {
  const sim = path.join(repoRoot, "dist", "simulator", "main.js");
  test.each([
    [["--port", "abc"], /--port needs a number from 0 to 65535, got "abc"/],
    [["--host", "0.0.0.0"], /--host must be 127\.0\.0\.1 or ::1 \(loopback only\), got "0\.0\.0\.0"/],
    [["--bogus"], /unknown argument "--bogus"/],
  ])("%j is refused (exit 2)", (args, message) => {
    const r = spawnSync(process.execPath, [sim, ...args], { encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test("prints its two base URLs on loopback and answers the Cloud API there until stopped", async () => {
    const child = spawn(process.execPath, [sim, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`no URLs printed: ${text}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          text += d.toString();
          if (text.split("\n").length > 2) {
            clearTimeout(timer);
            resolve(text.split("\n"));
          }
        });
      });
      const cloud = /^export HCLOUD_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(lines[0]!)?.[1];
      expect(cloud).toBeDefined();
      expect(lines[1]).toMatch(/^export HETZNER_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/hetzner\/v1$/);
      const res = await fetch(`${cloud}/server_types?name=cx23`, { headers: { authorization: "Bearer x" } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { server_types: { name: string }[] }).server_types.map((s) => s.name)).toEqual([
        "cx23",
      ]);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
