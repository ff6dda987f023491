import type { TerraformStack } from "cdktn";
import { Server, SshKeys, type SshKeysProps, sshPublicKeyProblem } from "../../constructs";
import { LABELS, inFreshStack, resolveIn } from "../../testing/construct-stacks";
import { importsOf, resourcesOf, synth } from "../../testing/synth-json";
import { expectRefused, expectSchemaValid, expectSoleResource } from "../../testing/construct-expect";

// Placeholder keys generated for tests (their private halves were never kept).
const ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns alice@all2all";
const BOB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRDE1eLwmNwrj2R20K/ bob@all2all";

function build(props: Partial<SshKeysProps> = {}, id = "operators"): { stack: TerraformStack; keys: SshKeys } {
  const { stack, construct: keys } = inFreshStack(
    SshKeys,
    { labels: LABELS, keys: [{ name: "alice", publicKey: ALICE }] },
    props,
    id,
  );
  return { stack, keys };
}

describe("SshKeys", () => {
  it("defaults: one labelled hcloud_ssh_key per key, named after the key", () => {
    const { stack } = build();
    const json = synth(stack);
    expectSoleResource(json, "hcloud_ssh_key", "alice", { name: "alice", public_key: ALICE, labels: LABELS });
    expect(json.import).toBeUndefined();
  });

  it("synthesises schema-valid JSON", () => {
    const { stack } = build({
      keys: [
        { name: "alice", publicKey: ALICE },
        { name: "bob", publicKey: BOB },
      ],
    });
    expectSchemaValid(synth(stack));
  });

  it("addKey returns the resource; ids and names feed a Server's sshKeys", () => {
    const { stack, keys } = build();
    const bob = keys.addKey({ name: "bob", publicKey: BOB, labels: { team: "mail" } });
    expect(keys.key("bob")).toBe(bob);
    expect(keys.names).toEqual(["alice", "bob"]);
    expect(resolveIn(stack, keys.ids)).toEqual(["${hcloud_ssh_key.alice.id}", "${hcloud_ssh_key.bob.id}"]);
    expect(resolveIn(stack, keys.idOf("bob"))).toBe("${hcloud_ssh_key.bob.id}");
    new Server(stack, "web-1", { serverType: "cx22", location: "fsn1", labels: LABELS, sshKeys: keys.ids });
    const json = synth(stack);
    expect(resourcesOf(json, "hcloud_server")["web-1"].ssh_keys).toEqual([
      "${hcloud_ssh_key.alice.id}",
      "${hcloud_ssh_key.bob.id}",
    ]);
    expect(resourcesOf(json, "hcloud_ssh_key").bob.labels).toEqual({ ...LABELS, team: "mail" });
    expect(() => keys.idOf("carol")).toThrow('SshKeys "operators": no key named "carol" (declared: alice, bob)');
  });

  it("normalises whitespace in the public key", () => {
    const json = synth(build({ keys: [{ name: "alice", publicKey: `  ${ALICE.replace(/ /g, "  ")}\n` }] }).stack);
    expect(resourcesOf(json, "hcloud_ssh_key").alice.public_key).toBe(ALICE);
  });

  it("adopts an existing key with an import block", () => {
    expect(importsOf(synth(build({ keys: [{ name: "alice", publicKey: ALICE, importId: "314" }] }).stack))).toEqual([
      { to: "hcloud_ssh_key.alice", id: "314" },
    ]);
  });

  describe("labels", () => {
    it("fails on an invalid label", () => {
      expectRefused(build, [
        [{ labels: { "": "x" } }, 'SshKeys "operators": labels: label key is empty'],
        [
          { keys: [{ name: "alice", publicKey: ALICE, labels: { owner: "alice@all2all" } }] },
          'SshKeys "operators", key "alice": labels: label "owner": label value "alice@all2all" must be empty',
        ],
      ]);
    });
  });

  describe("validation", () => {
    it("fails on a private key pasted by mistake", () => {
      expect(() =>
        build({
          keys: [{ name: "alice", publicKey: `-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n` }],
        }),
      ).toThrow(
        'SshKeys "operators", key "alice": publicKey is not usable: a PRIVATE key ' +
          "is pasted here: remove it now, consider it leaked",
      );
    });

    it("fails on unknown types and mangled keys", () => {
      expect(sshPublicKeyProblem("ssh-dss AAAAB3NzaC1kc3M= x")).toBe(
        "DSA keys are broken and refused (generate an ed25519 key: ssh-keygen -t ed25519)",
      );
      expect(sshPublicKeyProblem("ecdsa-sk AAAA x")).toMatch(
        /^unsupported SSH key type "ecdsa-sk" \(accepted: ssh-ed25519, .*sk-ssh-ed25519@openssh.com/,
      );
      expect(sshPublicKeyProblem("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns")).toBe(
        "the key data does not hold a ssh-rsa key (the type before the key data " +
          "must match the key; paste the .pub file again)",
      );
      expect(sshPublicKeyProblem("ssh-ed25519 not*base64")).toBe(
        "the ssh-ed25519 key data is not valid base64 (the key looks truncated or mangled; paste the .pub file again)",
      );
      expect(sshPublicKeyProblem(ALICE)).toBeUndefined();
    });

    it("fails on duplicate or invalid key names", () => {
      expectRefused(build, [
        [
          {
            keys: [
              { name: "alice", publicKey: ALICE },
              { name: "alice", publicKey: BOB },
            ],
          },
          'SshKeys "operators": the key "alice" is declared twice',
        ],
        [
          { keys: [{ name: "Alice", publicKey: ALICE }] },
          'SshKeys "operators", key "Alice": the key name "Alice" is not a valid name',
        ],
      ]);
    });

    it("refuses two keys of the same name from two constructs in one stack", () => {
      const { stack } = build();
      expect(() => new SshKeys(stack, "more", { labels: LABELS, keys: [{ name: "alice", publicKey: BOB }] })).toThrow(
        'test/more/alice: the address hcloud_ssh_key.alice is already used in stack "test" by test/operators/alice',
      );
    });
  });
});
