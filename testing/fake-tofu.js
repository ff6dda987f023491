#!/usr/bin/env node
// A fake `tofu` for tests: contacts nothing, records every call, and behaves
// just enough like OpenTofu for `all2all plan|deploy` and the runbooks.
//
// Installed by testing/deploy.ts as an executable named `tofu` (or
// `terraform`) in a folder put on PATH: a shell wrapper that runs this file
// with node. The behaviour is the function `runFakeTofu` (argv, working
// directory, environment and output writers in, exit code out), so that
// tests of `all2all plan|deploy` can also run it in their own process
// through an injected runner (testing/deploy.ts, fakeTofuRunner) without a
// node start per call; run as a program, it is that function bound to the
// process. Environment:
//
//   FAKE_TOFU_LOG      required: a file; each call appends one JSON line
//                      { bin, argv, cwd, env } where env says only WHETHER the
//                      credentials were set (values are never recorded)
//   FAKE_TOFU_FAIL     comma-separated `<step>` or `<stack>:<step>` that exit 1
//                      (step = the subcommand: init, plan, show, apply, output, import)
//   FAKE_TOFU_PLANS    a folder of `<stack>.json` plans that `show -json` prints;
//                      without one, the plan creates every resource of ./cdk.tf.json
//   FAKE_TOFU_UNAPPLIED  comma-separated stacks whose state is empty: `output -json` prints {}
//   FAKE_TOFU_LOCKED   comma-separated stacks whose state is locked by another run: plan and apply
//                      fail with the engine's "Error acquiring the state lock" and its Lock Info
//                      (ID fake-lock-<stack>); `force-unlock -force fake-lock-<stack>` succeeds
//   FAKE_TOFU_HCLOUD_VERSION  the hcloud version `init` writes to .terraform.lock.hcl (1.68.0),
//                      unless a *.tf file of the directory requires an exact one
//
// Like the real provider, plan, apply, import and output fail without
// HCLOUD_TOKEN; apply fails unless given the plan file `plan` wrote here.

const fs = require("node:fs");
const path = require("node:path");

const PLAN_MAGIC = "fake saved plan of ";

/** Thrown to end a call with an exit code (what process.exit does for the program). */
class Exit {
  /** @param {number} code */
  constructor(code) {
    this.code = code;
  }
}

/**
 * One call of the fake tofu.
 * @param {{ argv: string[], cwd: string, env: Record<string, string | undefined>, stdout: (text: string) => void,
 *    stderr: (text: string) => void }} call
 *   argv without the program's name; stdout/stderr receive the output as written (with its newlines)
 * @returns {number} the exit code
 */
function runFakeTofu({ argv, cwd, env, stdout, stderr }) {
  try {
    fakeTofu(argv, cwd, env, stdout, stderr);
    return 0;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    throw err;
  }
}

/**
 * @param {string[]} argv
 * @param {string} cwd
 * @param {Record<string, string | undefined>} env
 * @param {(text: string) => void} stdout
 * @param {(text: string) => void} stderr
 */
function fakeTofu(argv, cwd, env, stdout, stderr) {
  const stack = path.basename(cwd);
  const bin = env.FAKE_TOFU_NAME || "tofu";
  const sub = argv[0] || "";

  /** @returns {never} */
  function fail(message, code = 1) {
    stderr(`Error: ${message}\n`);
    throw new Exit(code);
  }

  const log = env.FAKE_TOFU_LOG;
  if (!log) fail("fake tofu: FAKE_TOFU_LOG is not set", 97);
  const set = (name) => typeof env[name] === "string" && env[name] !== "";
  const tfVars = Object.keys(env)
    .filter((k) => k.startsWith("TF_VAR_") && set(k))
    .sort();
  fs.appendFileSync(
    log,
    `${JSON.stringify({
      bin,
      argv,
      cwd,
      env: {
        HCLOUD_TOKEN: set("HCLOUD_TOKEN"),
        AWS_ACCESS_KEY_ID: set("AWS_ACCESS_KEY_ID"),
        AWS_SECRET_ACCESS_KEY: set("AWS_SECRET_ACCESS_KEY"),
        TF_VAR: tfVars,
      },
    })}\n`,
  );

  for (const rule of (env.FAKE_TOFU_FAIL || "").split(",").filter(Boolean)) {
    const [a, b] = rule.split(":");
    if ((b === undefined && a === sub) || (b !== undefined && a === stack && b === sub))
      fail(`fake failure of ${sub} in ${stack}`);
  }

  function config() {
    try {
      return JSON.parse(fs.readFileSync(path.join(cwd, "cdk.tf.json"), "utf8"));
    } catch (err) {
      fail(`fake tofu: no readable cdk.tf.json in ${cwd} (${err.message})`);
    }
  }

  function needToken() {
    if (!set("HCLOUD_TOKEN")) fail("hcloud: no token (HCLOUD_TOKEN is not set)");
  }

  const lockId = `fake-lock-${stack}`;
  if ((sub === "plan" || sub === "apply") && (env.FAKE_TOFU_LOCKED || "").split(",").includes(stack)) {
    stderr(
      [
        "Error: Error acquiring the state lock",
        "",
        "Error message: operation error S3: PutObject, https response error StatusCode: 412 (fake)",
        "Lock Info:",
        `  ID:        ${lockId}`,
        `  Path:      fake-bucket/${stack}.tfstate`,
        "  Operation: OperationTypeApply",
        "  Who:       operator@ci-runner",
        "  Version:   1.12.6",
        "  Created:   2026-01-02 03:04:05.123456789 +0000 UTC",
        "  Info:      ",
        "",
        "",
      ].join("\n"),
    );
    throw new Exit(1);
  }

  switch (sub) {
    case "force-unlock": {
      const id = argv[argv.length - 1];
      if (!argv.includes("-force")) fail("fake tofu: force-unlock without -force would ask on the terminal");
      if (id !== lockId) fail(`fake tofu: no lock ${id} on ${stack}`);
      stdout("OpenTofu state has been successfully unlocked! (fake)\n");
      break;
    }
    case "version":
      stdout("OpenTofu v1.10.6 (fake)\non linux_amd64\n");
      break;
    case "init": {
      // A stack directory (cdk.tf.json) or any configuration (providers/refresh.js writes main.tf).
      if (!fs.existsSync(path.join(cwd, "cdk.tf.json")) && !fs.readdirSync(cwd).some((f) => f.endsWith(".tf")))
        fail(`fake tofu: no configuration in ${cwd}`);
      // An exact version required by a .tf file (providers/refresh.js writes one) wins, as with the real tofu.
      const pinned = fs
        .readdirSync(cwd)
        .filter((f) => f.endsWith(".tf"))
        .map((f) => /version\s*=\s*"(\d+\.\d+\.\d+)"/.exec(fs.readFileSync(path.join(cwd, f), "utf8")))
        .find((m) => m);
      const version = pinned?.[1] || env.FAKE_TOFU_HCLOUD_VERSION || "1.68.0";
      fs.mkdirSync(path.join(cwd, ".terraform"), { recursive: true });
      fs.writeFileSync(
        path.join(cwd, ".terraform.lock.hcl"),
        `# fake lock file\nprovider "registry.opentofu.org/hetznercloud/hcloud" {\n  ` +
          `version     = "${version}"\n  constraints = "~> 1.68"\n}\n`,
      );
      stdout(`Initializing the backend... (fake)\nOpenTofu has been successfully initialized!\n`);
      break;
    }
    case "plan": {
      needToken();
      config();
      const out = argv.find((a) => a.startsWith("-out="));
      if (!out) {
        stdout(`OpenTofu will perform the actions described above (fake plan of ${stack}, not saved).\n`);
        break;
      }
      fs.writeFileSync(path.resolve(cwd, out.slice("-out=".length)), `${PLAN_MAGIC}${stack}\n`);
      stdout(
        `OpenTofu will perform the actions described above (fake plan ` +
          `of ${stack}).\nSaved the plan to: ${out.slice(5)}\n`,
      );
      break;
    }
    case "show": {
      const file = argv[argv.length - 1];
      if (argv[1] !== "-json" || !file) fail("fake tofu: expected show -json PLAN");
      let saved;
      try {
        saved = fs.readFileSync(path.resolve(cwd, file), "utf8");
      } catch {
        fail(`fake tofu: no saved plan ${file}`);
      }
      if (!saved.startsWith(PLAN_MAGIC)) fail(`fake tofu: ${file} is not a saved plan`);
      const plans = env.FAKE_TOFU_PLANS;
      const given = plans ? path.join(plans, `${stack}.json`) : undefined;
      if (given && fs.existsSync(given)) {
        stdout(fs.readFileSync(given, "utf8"));
        break;
      }
      const doc = config();
      const changes = [];
      for (const [type, byName] of Object.entries(doc.resource || {})) {
        for (const name of Object.keys(byName))
          changes.push({ address: `${type}.${name}`, mode: "managed", type, name, change: { actions: ["create"] } });
      }
      stdout(`${JSON.stringify({ format_version: "1.2", terraform_version: "1.10.6", resource_changes: changes })}\n`);
      break;
    }
    case "apply": {
      needToken();
      const file = argv[argv.length - 1];
      if (!file || file.startsWith("-")) fail("fake tofu: apply without a saved plan (a bare apply would plan again)");
      let saved;
      try {
        saved = fs.readFileSync(path.resolve(cwd, file), "utf8");
      } catch {
        fail(`fake tofu: the saved plan ${file} does not exist`);
      }
      if (saved !== `${PLAN_MAGIC}${stack}\n`) fail(`fake tofu: ${file} is not the plan saved in ${stack}`);
      stdout(`Apply complete! (fake, ${stack})\n`);
      break;
    }
    case "output": {
      needToken();
      const doc = config();
      const outputs = {};
      // A stack named in FAKE_TOFU_UNAPPLIED has no state yet: no outputs, as tofu prints then.
      const unapplied = (env.FAKE_TOFU_UNAPPLIED || "").split(",").includes(stack);
      Object.keys(unapplied ? {} : doc.output || {})
        .sort()
        .forEach((name, i) => {
          const value = name.endsWith("-ipv4")
            ? `203.0.113.${i + 1}`
            : name.endsWith("-ipv6")
              ? `2001:db8:0:${i + 1}::1`
              : `fake-${name}`;
          outputs[name] = { sensitive: doc.output[name].sensitive === true, type: "string", value };
        });
      const raw = argv.indexOf("-raw");
      if (raw >= 0) {
        const name = argv[raw + 1];
        if (!(name in outputs)) fail(`Output "${name}" not found`);
        stdout(outputs[name].value);
      } else {
        stdout(`${JSON.stringify(outputs, null, 2)}\n`);
      }
      break;
    }
    case "import": {
      needToken();
      const args = argv.slice(1).filter((a) => !a.startsWith("-"));
      if (args.length !== 2) fail("fake tofu: expected import ADDRESS ID");
      const [address, id] = args;
      const [type, name] = address.split(".");
      const doc = config();
      if (!doc.resource?.[type]?.[name]) fail(`Configuration for import target does not exist: ${address}`);
      if (id.trim() === "") fail("fake tofu: empty import id");
      stdout(`${address}: Import prepared! (fake, id ${id})\nImport successful!\n`);
      break;
    }
    case "providers": {
      if (argv[1] === "lock") {
        // `providers lock -platform=…`: a lock file with one fake checksum per platform (no registry is asked).
        const platforms = argv
          .slice(2)
          .filter((a) => a.startsWith("-platform="))
          .map((a) => a.slice("-platform=".length));
        if (platforms.length === 0) fail("fake tofu: providers lock without -platform");
        const text = fs.readFileSync(path.join(cwd, "main.tf.json"), "utf8");
        const version = JSON.parse(text).terraform.required_providers.hcloud.version;
        const hashes = platforms.map(
          (p) => `    "zh:${Buffer.from(`fake-${p}-${version}`).toString("hex").padEnd(64, "0").slice(0, 64)}",`,
        );
        fs.writeFileSync(
          path.join(cwd, ".terraform.lock.hcl"),
          `# fake\nprovider "registry.opentofu.org/hetznercloud/hcloud" {\n  version     = "${version}"\n  ` +
            `constraints = "${version}"\n  hashes = [\n${hashes.join("\n")}\n  ]\n}\n`,
        );
        stdout(`fake tofu: locked hetznercloud/hcloud ${version} for ${platforms.join(", ")}\n`);
        break;
      }
      // `providers schema -json`: the schema in FAKE_TOFU_SCHEMA, under OpenTofu's registry name.
      if (argv[1] !== "schema" || argv[2] !== "-json") fail("fake tofu: expected providers schema -json");
      const file = env.FAKE_TOFU_SCHEMA;
      if (!file) fail("fake tofu: FAKE_TOFU_SCHEMA is not set");
      const schema = JSON.parse(fs.readFileSync(file, "utf8"));
      const renamed = {};
      for (const [k, v] of Object.entries(schema.provider_schemas || {}))
        renamed[k.replace("registry.terraform.io", "registry.opentofu.org")] = v;
      stdout(JSON.stringify({ ...schema, provider_schemas: renamed }));
      break;
    }
    case "state": {
      // `state show ADDRESS`: the resource as configured, plus a fake user name for storage box subaccounts.
      needToken();
      const address = argv[2];
      if (argv[1] !== "show" || !address) fail("fake tofu: expected state show ADDRESS");
      const [type, name] = address.split(".");
      const doc = config();
      const res = doc.resource?.[type]?.[name];
      if (!res) fail(`No instance found for the given address: ${address}`);
      const lines = [`# ${address}:`, `resource "${type}" "${name}" {`, `    id = "1000001"`];
      if (type === "hcloud_storage_box_subaccount")
        lines.push(`    username = "u100000-sub1"`, `    server = "u100000-sub1.your-storagebox.de"`);
      if (typeof res.name === "string") lines.push(`    name = "${res.name}"`);
      lines.push("}");
      stdout(`${lines.join("\n")}\n`);
      break;
    }
    default:
      fail(`fake tofu: unsupported command ${JSON.stringify(argv)}`);
  }
}

module.exports = { runFakeTofu };

if (require.main === module) {
  process.exitCode = runFakeTofu({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
