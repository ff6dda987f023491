/**
 * Simulated SSH keys (fingerprint as Hetzner computes it, uniqueness of name
 * and fingerprint, the key kept as given) and placement groups (type spread,
 * servers list kept current).
 */
import { expectApiError, expectCreated, inProcessSim } from "../../testing/simulator";
import { registerCompute } from "../../simulator/resources/compute";
import { fingerprint } from "../../simulator/resources/ssh-keys";

function setup() {
  const { call } = inProcessSim(registerCompute);
  return { call };
}

type Call = ReturnType<typeof setup>["call"];

/** A server `web-1` created in the placement group `groupId`. */
const serverIn = (call: Call, groupId: number) =>
  call("POST", "/servers", { name: "web-1", server_type: "cx23", image: "debian-13", placement_group: groupId }).body
    .server;

// The project's placeholder operator keys; fingerprints from `ssh-keygen -l -E md5`.
const ALICE =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+" +
  "aIWybns PLACEHOLDER-alice@all2all-not-a-real-key";
const ALICE_MD5 = "45:0d:5b:e6:be:9e:5a:0a:38:a5:2d:fd:be:aa:9c:2d";
const BOB =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5R9iSuRbRGsF3ypzJRXGyV7zRDE1eLwmNw" +
  "rj2R20K/ PLACEHOLDER-bob@all2all-not-a-real-key";
const BOB_MD5 = "b6:c4:c3:21:48:b4:dc:c3:43:0b:cf:1e:e9:df:0e:0d";
const RSA =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7uPoTMRrjHuYxNK6ulCXULtlQNI2fb8u8DkVj2ndSE7x5NCfxt6lpovxZuTIFet5CKdnDh5" +
  "89llPfrpfV9K/f/TncU9/VSaJDOI9fGyli1YJHLaygdfwB7egF2qqcnN16SKeN343HxS2S1GCGZ7O44qWKRI9qK2eq6JliimK32zVpXilR/EUv" +
  "WPXPUA1/SPzDr87l+dKZCCLKu4pbb9jepTt8tZF1MZboOjsEJaPMBXGeniiqmC8G48xZonxki9K/mySHOfs4CKuA8lxGNatyWfrL3sphoszukd" +
  "j3tzVWdfmOvbbomBImmvn3skhKNaygli6uJKkmUoP8l1pSxCUd test";
const RSA_MD5 = "c4:7f:c5:32:3f:a4:81:6d:45:f0:a8:a4:f9:8c:b8:01";
const ECDSA =
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF77JnQzmVSM6OI0JF2R1c" +
  "MoeOAfwRGClyZHhyHTOZt1RbZTLmebLVTQEGTyXmzyVcnkZe1B14N/2nDrGP96TrY= ec";
const ECDSA_MD5 = "71:8f:c2:db:c8:9f:58:cf:39:37:86:64:bb:3c:03:7a";

describe("SSH keys", () => {
  test("the fingerprint is the MD5 of the key body, as ssh-keygen prints it", () => {
    expect(fingerprint(ALICE)).toBe(ALICE_MD5);
    expect(fingerprint(BOB)).toBe(BOB_MD5);
    expect(fingerprint(RSA)).toBe(RSA_MD5);
    expect(fingerprint(ECDSA)).toBe(ECDSA_MD5);
    // The comment does not count.
    expect(fingerprint(ALICE.replace(/ \S+$/, " another-comment"))).toBe(ALICE_MD5);
  });

  test("create answers the key as given, with its fingerprint", () => {
    const { call } = setup();
    const r = call("POST", "/ssh_keys", { name: "alice", public_key: ALICE, labels: { role: "operator" } });
    const key = expectCreated(r, "ssh_key", {
      name: "alice",
      public_key: ALICE,
      fingerprint: ALICE_MD5,
      labels: { role: "operator" },
    });
    expect(call("GET", `/ssh_keys/${key.id}`).body.ssh_key.public_key).toBe(ALICE);
  });

  test.each([
    ["an unknown key type", "ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIEh7oet/H9/fH/EUbz5hw/Nm495rjVRO26Mn+aIWybns"],
    ["a body that is not base64", "ssh-ed25519 not*base64"],
    ["a body of another type", ALICE.replace("ssh-ed25519", "ssh-rsa")],
    ["no body", "ssh-ed25519"],
    ["a truncated body", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"],
  ])("create refuses %s", (_what, key) => {
    const { call } = setup();
    expectApiError(call("POST", "/ssh_keys", { name: "k", public_key: key }), 400, "invalid_input", "public_key");
  });

  test("a second key with the same fingerprint is Hetzner's uniqueness_error on public_key", () => {
    const { call } = setup();
    call("POST", "/ssh_keys", { name: "alice", public_key: ALICE });
    const r = call("POST", "/ssh_keys", { name: "alice-again", public_key: ALICE.replace(/ \S+$/, " laptop") });
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({
      code: "uniqueness_error",
      message: "SSH key with the same fingerprint already exists",
      details: { fields: [{ name: "public_key" }] },
    });
  });

  test("names are unique; update renames and replaces labels; delete removes", () => {
    const { call } = setup();
    const a = call("POST", "/ssh_keys", { name: "alice", public_key: ALICE }).body.ssh_key;
    expectApiError(call("POST", "/ssh_keys", { name: "alice", public_key: BOB }), 409, "uniqueness_error", "name");
    call("POST", "/ssh_keys", { name: "bob", public_key: BOB });
    expect(call("PUT", `/ssh_keys/${a.id}`, { name: "alice-2", labels: { x: "y" } }).body.ssh_key).toMatchObject({
      name: "alice-2",
      labels: { x: "y" },
    });
    expectApiError(call("PUT", `/ssh_keys/${a.id}`, { name: "bob" }), 409, "uniqueness_error");
    expect(call("DELETE", `/ssh_keys/${a.id}`).status).toBe(204);
    expectApiError(call("GET", `/ssh_keys/${a.id}`), 404, "not_found");
  });

  test("list filters by name, fingerprint and label selector", () => {
    const { call } = setup();
    call("POST", "/ssh_keys", { name: "alice", public_key: ALICE, labels: { role: "operator" } });
    call("POST", "/ssh_keys", { name: "bob", public_key: BOB });
    const names = (q: string) => call("GET", "/ssh_keys", {}, q).body.ssh_keys.map((k: any) => k.name);
    expect(names("name=bob")).toEqual(["bob"]);
    expect(names(`fingerprint=${BOB_MD5}`)).toEqual(["bob"]);
    expect(names("label_selector=role%3Doperator")).toEqual(["alice"]);
  });
});

describe("placement groups", () => {
  test("spread only; the servers list follows the servers", () => {
    const { call } = setup();
    expectApiError(call("POST", "/placement_groups", { name: "web", type: "cluster" }), 400, "invalid_input", "type");
    expectApiError(call("POST", "/placement_groups", { type: "spread" }), 400, "invalid_input", "name");
    const r = call("POST", "/placement_groups", { name: "web", type: "spread", labels: { role: "placement" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      placement_group: { name: "web", type: "spread", servers: [], labels: { role: "placement" } },
      action: null,
    });
    const g = r.body.placement_group;
    const s = serverIn(call, g.id);
    expect(call("GET", `/placement_groups/${g.id}`).body.placement_group.servers).toEqual([s.id]);
    call("DELETE", `/servers/${s.id}`);
    expect(call("GET", `/placement_groups/${g.id}`).body.placement_group.servers).toEqual([]);
  });

  test("names are unique; update; delete takes its servers out", () => {
    const { call } = setup();
    const g = call("POST", "/placement_groups", { name: "web", type: "spread" }).body.placement_group;
    expectApiError(call("POST", "/placement_groups", { name: "web", type: "spread" }), 409, "uniqueness_error", "name");
    expect(
      call("PUT", `/placement_groups/${g.id}`, { name: "www", labels: { a: "b" } }).body.placement_group,
    ).toMatchObject({ name: "www", labels: { a: "b" } });
    const s = serverIn(call, g.id);
    expect(call("DELETE", `/placement_groups/${g.id}`).status).toBe(204);
    expect(call("GET", `/servers/${s.id}`).body.server.placement_group).toBeNull();
    expect(call("GET", "/placement_groups", {}, "type=spread").body.placement_groups).toEqual([]);
  });
});
