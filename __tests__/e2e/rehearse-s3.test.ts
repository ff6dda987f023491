/**
 * `all2all rehearse --state s3`, on the real engine: dr (whose real state is
 * in a bucket) rehearsed with the S3 backend as HcloudStack synthesises it,
 * pointed at versitygw on loopback, against the simulated Hetzner Cloud.
 *
 * - every stack applies and its second plan is empty, which also proves that
 *   the stacks reading another's outputs (terraform_remote_state) read them
 *   from the bucket;
 * - each stack's state is one encrypted object in the bucket, no state file
 *   is left on disk, and no lock object remains after the run;
 * - the `export` lines of --serve reach the same bucket: `all2all unlock`
 *   asks the engine for the lock and finds none.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runUnlock } from "../../cli/unlock";
import { describeE2e } from "../../testing/engine";
import { capture, rehearse, type Rehearsed } from "../../testing/rehearsal";
import { defaultConfig, makeTempDir, readJson, repoRoot } from "../../testing/tmp";

jest.setTimeout(900_000);

const STACKS = ["dr-backup", "dr-network", "dr-servers", "dr-dns"];

describeE2e(
  "rehearse --state s3: dr with its state in a bucket on loopback (versitygw, the real engine, the simulator)",
  () => {
    const t = makeTempDir("all2all-e2e-rehearse-s3-");
    afterAll(() => t.cleanup());
    const work = path.join(t.dir, "work");

    let result: Rehearsed;
    const seen: {
      endpoint?: string;
      bucket?: string;
      accessKey?: string;
      objects?: string[];
      states?: Record<string, string>;
      backends?: Record<string, any>;
      remoteStates?: any[];
      localStateFiles?: string[];
      backendRecords?: string[];
      unlock?: Awaited<ReturnType<typeof capture>>;
      secrets?: string[];
    } = {};

    beforeAll(async () => {
      result = await rehearse("dr", { config: defaultConfig, work, state: "s3" }, async (sb) => {
        const s3 = sb.s3!;
        seen.endpoint = s3.endpoint;
        seen.bucket = s3.bucket;
        seen.accessKey = s3.env.AWS_ACCESS_KEY_ID;
        const bucketDir = path.join(s3.root, s3.bucket);
        seen.objects = fs
          .readdirSync(bucketDir, { recursive: true, encoding: "utf8" })
          .filter((f) => fs.statSync(path.join(bucketDir, f)).isFile())
          .sort();
        seen.states = Object.fromEntries(
          STACKS.map((s) => [s, s3.has(`all2all/dr/${s}.tfstate`) ? s3.read(`all2all/dr/${s}.tfstate`) : ""]),
        );
        seen.backends = {};
        seen.remoteStates = [];
        for (const s of STACKS) {
          const doc = readJson(path.join(sb.out, "stacks", s, "cdk.tf.json"));
          seen.backends[s] = doc.terraform.backend;
          seen.remoteStates.push(...Object.values(doc.data?.terraform_remote_state ?? {}));
        }
        const files = fs
          .readdirSync(sb.work, { recursive: true, encoding: "utf8" })
          .filter((f) => /\.tfstate$/.test(f) && !f.startsWith(`s3${path.sep}`));
        // init's record of the backend's settings (.terraform/terraform.tfstate) is not the stack's state.
        seen.backendRecords = files
          .filter((f) => f.split(path.sep).includes(".terraform"))
          .map((f) => fs.readFileSync(path.join(sb.work, f), "utf8"));
        seen.localStateFiles = files.filter((f) => !f.split(path.sep).includes(".terraform"));
        seen.secrets = Object.entries(sb.env)
          .filter(([k]) => k.startsWith("TF_VAR_"))
          .map(([, v]) => v);
        // The operator's flow in the sandbox: the rehearsal's export lines, then unlock on one stack.
        seen.unlock = await capture({ ...process.env, ...sb.env }, (io) =>
          runUnlock(
            {
              env: "dr",
              stack: "network",
              out: sb.out,
              binary: path.join(sb.env.PATH!.split(path.delimiter)[0]!, "tofu"),
            },
            io,
            repoRoot,
            {
              stdinIsTTY: true,
              confirm: async () => {
                throw new Error("asked to confirm a release, but no lock should be held");
              },
            },
          ),
        );
      });
    });

    test("every stack applies and plans again with no change; the report says s3 and no lock is left", () => {
      expect(result.stderr.filter((l) => /no route|lacks|still in the bucket/.test(l))).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.report.state).toBe("s3");
      expect(result.report.locks_left).toEqual([]);
      expect(result.report.stacks.map((s) => s.name)).toEqual(STACKS);
      for (const s of result.report.stacks) {
        expect(s.changes_after_apply).toBe(0);
        expect(s.created.length).toBeGreaterThan(0);
      }
      expect(result.stdout.join("\n")).toContain(
        `state is in bucket all2all-tfstate-rehearsal of an S3-compatible ` +
          `server on loopback (versitygw, ${seen.endpoint})`,
      );
    });

    test(
      "each stack's backend is the synthesised S3 backend, on loopback, with its lock " +
        "file; the stacks read each other's outputs from the bucket",
      () => {
        for (const s of STACKS) {
          expect(Object.keys(seen.backends![s])).toEqual(["s3"]);
          expect(seen.backends![s].s3).toMatchObject({
            bucket: seen.bucket,
            key: `all2all/dr/${s}.tfstate`,
            endpoints: { s3: seen.endpoint },
            use_lockfile: true,
            use_path_style: true,
          });
          expect(seen.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        }
        expect(seen.remoteStates!.length).toBeGreaterThan(0);
        for (const rs of seen.remoteStates!) {
          expect(rs.backend).toBe("s3");
          expect(rs.config).toMatchObject({ bucket: seen.bucket, endpoints: { s3: seen.endpoint } });
        }
      },
    );

    test("the state is in the bucket, one encrypted object per stack, and nowhere else", () => {
      expect(seen.objects).toEqual(STACKS.map((s) => path.join("all2all", "dr", `${s}.tfstate`)).sort());
      for (const s of STACKS) {
        const text = seen.states![s]!;
        expect(text).toContain("encrypted_data");
        expect(text).not.toContain('"resources"');
        for (const secret of seen.secrets!) expect(text).not.toContain(secret);
      }
      expect(seen.localStateFiles).toEqual([]);
      // Each stack's backend record names the bucket on loopback, and holds no state and no key.
      expect(seen.backendRecords).toHaveLength(STACKS.length);
      for (const record of seen.backendRecords!) {
        expect(JSON.parse(record).backend).toMatchObject({ type: "s3", config: { bucket: seen.bucket } });
        expect(record).not.toContain('"resources"');
        for (const secret of seen.secrets!) expect(record).not.toContain(secret);
        expect(record).not.toContain(seen.accessKey!);
      }
    });

    test("with the sandbox's exports, all2all unlock reaches the bucket and finds no lock", () => {
      expect(seen.unlock!.stderr.join("\n")).toContain("asking for the lock");
      expect(seen.unlock!.code).toBe(0);
      expect(seen.unlock!.stdout.join("\n")).toContain(
        "no lock is held on the state of dr-network: nothing to release",
      );
    });
  },
);
