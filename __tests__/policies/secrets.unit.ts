// no-literal-secret: the post-synth scan of every written cdk.tf.json.
// Every secret here is built at run time: the repository holds none.
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { TerraformOutput, type TerraformVariable } from "cdktn";
import type { BackupStorage, DnsZone } from "../../constructs";
import type { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { looksRandom, scanDocument, secretsInText } from "../../policies/secrets";
import { expectRule, findingsOf, type RuleChange, ruleFindings, sharedSynth } from "../../testing/policies";
import { ed25519PublicKey, pastedPrivateKey } from "../../testing/description";
import { joinRegExp } from "../../primitives/regexp";

/** Deterministic "random" bytes, so that threshold tests never flake. */
function pseudoRandom(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; Buffer.concat(chunks).length < length; i++)
    chunks.push(createHash("sha256").update(`${seed}/${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

/** The no-literal-secret findings of production once `extend` has changed the built stacks. */
function literalSecrets(extend: NonNullable<RuleChange["extend"]>) {
  return ruleFindings("no-literal-secret", { extend });
}

describe("no-literal-secret fires", () => {
  test("for a private key in a server's user data, without printing it", () => {
    const key = pastedPrivateKey();
    const found = literalSecrets(({ environments }) => {
      environments[0]!.server("web-1").server.userData =
        `#cloud-config\nwrite_files:\n  - path: /root/.ssh/id_ed25519\n    content: |\n${key
          .split("\n")
          .map((l) => `      ${l}`)
          .join("\n")}\n`;
    });
    expectRule(found, "no-literal-secret", [
      ["error", "production-servers", "hcloud_server.web-1", "server/web-1"],
      "hcloud_server.web-1 user_data in stack production-servers holds a private key block: it would be stored " +
        "in the synthesised JSON, in plans and in version control. Remove it and pass it as a sensitive variable " +
        '(TF_VAR_…, see docs/config.md "Secrets"); consider the value leaked and replace it.',
    ]);
  });

  test("for a literal API token in the provider block", () => {
    const token = randomBytes(60)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, 64);
    const found = literalSecrets(({ environments }) => {
      (environments[0]!.backup.node.findChild("hcloud") as HcloudProvider).token = token;
    });
    expect(found.map((f) => [f.stack, f.address, f.subject])).toEqual([
      ["production-backup", "provider.hcloud", "provider/hcloud"],
    ]);
    expect(found[0]!.message).toMatch(
      joinRegExp(
        /^provider\.hcloud token in stack production-backup holds a literal value for "token", /,
        /which is named like a secret and a high-entropy string of 64 characters/,
      ),
    );
    expect(found[0]!.message).not.toContain(token);
  });

  test("for a TSIG key given as a variable's default", () => {
    const tsig = randomBytes(32).toString("base64");
    const found = literalSecrets(({ environments }) => {
      (environments[0]!.dns.node.findChild("tsig_all2all_org_transfer") as TerraformVariable).addOverride(
        "default",
        tsig,
      );
    });
    expect(found.map((f) => [f.stack, f.address, f.subject, f.message.replace(/ in stack.*/, "")])).toEqual([
      [
        "production-dns",
        "var.tsig_all2all_org_transfer",
        "variable/tsig_all2all_org_transfer",
        "var.tsig_all2all_org_transfer default",
      ],
    ]);
  });

  test("for a high-entropy string hidden in an output, whatever its name", () => {
    const found = literalSecrets(({ environments }) => {
      new TerraformOutput(environments[0]!.backup, "notes", {
        value: `restic repository key ${randomBytes(32).toString("base64")}`,
      });
    });
    expect(found.map((f) => [f.address, f.subject, f.message.replace(/:.*/, "")])).toEqual([
      [
        "output.notes",
        "output/notes",
        "output.notes value in stack production-backup holds a high-entropy string of 44 characters (a key or token?)",
      ],
    ]);
  });

  test("for a literal password attribute, and a password assignment inside user data", () => {
    const found = literalSecrets(({ environments }) => {
      (environments[0]!.backup.node.findChild("backup") as BackupStorage).storageBox.password = [
        "correct",
        "horse",
        "battery",
      ].join("-");
      environments[0]!.server("mail-1").server.userData =
        `#cloud-config\nusers:\n  - name: backup\n    plain_text_passwd: ${["staple", "2024"].join("-")}\n`;
    });
    expect(
      found.map((f) => [f.address, f.subject, f.message.replace(/ in stack .*? holds /, " | ").replace(/:.*/, "")]),
    ).toEqual([
      [
        "hcloud_storage_box.backup",
        "storage-box/backup",
        'hcloud_storage_box.backup password | a literal value for "password", which is named like a secret',
      ],
      [
        "hcloud_server.mail-1",
        "server/mail-1",
        "hcloud_server.mail-1 user_data | a literal value for " +
          '"plain_text_passwd" in the text, which is named like a secret',
      ],
    ]);
  });
});

describe("no-literal-secret does not fire", () => {
  test("for the default config: public keys, references to sensitive variables, cloud-init", () => {
    const { findings } = sharedSynth();
    expect(findingsOf(findings, "no-literal-secret")).toEqual([]);
  });

  test("for DKIM public keys and TLSA digests in record sets, SSH keys and checksums in user data", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const dkim = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const digest = createHash("sha256").update(dkim).digest("hex");
    const found = literalSecrets(({ environments }) => {
      const env = environments[0]!;
      const zone = env.dns.node.findChild("exemple-asbl-be") as DnsZone;
      zone.addRecordSet({ name: "sel2._domainkey", type: "TXT", records: [`v=DKIM1; k=rsa; p=${dkim}`] });
      zone.addRecordSet({ name: "_8443._tcp.www", type: "TLSA", records: [`3 1 1 ${digest}`] });
      env.server("web-2").server.userData = [
        "#cloud-config",
        "ssh_authorized_keys:",
        `  - ${ed25519PublicKey("deploy@all2all")}`,
        "runcmd:",
        `  - [sh, -c, "echo '${digest}  tool.tar.gz' | sha256sum -c"]`,
        "",
      ].join("\n");
    });
    expect(found).toEqual([]);
  });
});

describe("the detectors", () => {
  test("random base64 and hex are high-entropy (at least 99 in 100); identifiers, paths and words are not", () => {
    const samples = 1000;
    let base64 = 0;
    let hex = 0;
    for (let i = 0; i < samples; i++) {
      if (looksRandom(pseudoRandom(`b64-${i}`, 32).toString("base64"))) base64++;
      if (looksRandom(pseudoRandom(`hex-${i}`, 20).toString("hex"))) hex++;
    }
    expect(base64 / samples).toBeGreaterThanOrEqual(0.99);
    expect(hex / samples).toBeGreaterThanOrEqual(0.99);
    for (const text of [
      "MyVeryLongClassName2ForTesting1234",
      "ThisIsAVeryLongCamelCaseIdentifierNumber42",
      "cross-stack-output-hcloud_primary_ipweb-1-ipv4ip_address",
      "storage_box_subaccount_password_backup_web_1",
      "/usr/lib/x86_64-linux-gnu/NetworkManager1",
      "PLACEHOLDER-alice",
    ]) {
      expect({ text, random: looksRandom(text) }).toEqual({ text, random: false });
    }
  });

  test("a hex digest is fine on a line that names it, suspicious elsewhere", () => {
    const hex = pseudoRandom("digest", 32).toString("hex");
    expect(secretsInText(`sha256sum: ${hex}`, "user_data")).toEqual([]);
    expect(secretsInText(`key ${hex}`, "user_data")).toEqual([
      "a high-entropy hex string of 64 digits (a key or token?)",
    ]);
  });

  test(
    "short strings: an embedded assignment or a private key header " + "is still found; a plain short value is not",
    () => {
      expect(secretsInText("token=Zq8rT2wXa", "user_data")).toEqual([
        'a literal value for "token" in the text, which is named like a secret',
      ]);
      expect(secretsInText(`-----BEGIN ${"PRIVATE"} KEY-----`, "description")).toEqual(["a private key block"]);
      expect(secretsInText("web-1.all2all.org", "name")).toEqual([]);
      expect(secretsInText("hunter2hunter2", "admin_password")).toEqual([
        'a literal value for "admin_password", which is named like a secret',
      ]);
    },
  );

  test("hits come in the order of the sorted paths, whatever order the document was built in", () => {
    const key = pastedPrivateKey();
    const doc = { variable: { b: { default: key } }, output: { z: { value: key }, a: { value: key } } };
    expect(scanDocument(doc).map((h) => h.path.join("/"))).toEqual([
      "output/a/value",
      "output/z/value",
      "variable/b/default",
    ]);
  });

  test("references are not literals; DNS data is only checked for private keys", () => {
    expect(secretsInText("${var.storage_box_password_backup}", "password")).toEqual([]);
    expect(secretsInText("prefix-${var.x}", "password")).toEqual([
      'a literal value for "password", which is named like a secret',
    ]);
    const doc = {
      resource: {
        hcloud_zone_rrset: {
          a: {
            records: [
              { value: `"verification-token=${pseudoRandom("v", 32).toString("base64")}"` },
              { value: pastedPrivateKey() },
            ],
          },
        },
      },
    };
    expect(scanDocument(doc)).toEqual([
      { path: ["resource", "hcloud_zone_rrset", "a", "records", 1, "value"], reasons: ["a private key block"] },
    ]);
  });
});
