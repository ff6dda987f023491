// The stacks of every environment of the default config: exactly the
// resources the description declares, valid against the provider schema,
// in dependency order, with firewalls selecting the right servers.
import * as path from "node:path";
import { recordSlug, slugOfRange } from "../../constructs";
import { firewallLabel } from "../../stacks/environment";
import { loadProviderSchemas, validateStack } from "../../validate";
import { names, synthDefault } from "../../testing/synth";
import { readJson, repoRoot } from "../../testing/tmp";

const synth = synthDefault();
afterAll(() => synth.cleanup());
const schemas = loadProviderSchemas([path.join(repoRoot, "providers", "hcloud", "schema.json")]);
const sorted = (xs: string[]) => [...xs].sort();
const zoneId = (zone: string) => zone.replace(/\./g, "-");

test("every environment of the default config has its four stacks", () => {
  expect(synth.specs.map((s) => s.environment.name).sort()).toEqual(["dr", "production", "staging"]);
  expect([...synth.stacks.keys()].sort()).toEqual(
    ["dr", "production", "staging"].flatMap((e) => [`${e}-backup`, `${e}-dns`, `${e}-network`, `${e}-servers`]).sort(),
  );
});

test("every stack passes the offline schema validation with 0 problems", () => {
  for (const [name, tf] of synth.stacks)
    expect({ name, problems: validateStack(name, tf, schemas) }).toEqual({ name, problems: [] });
});

test("the manifest records the deployment order: servers after network, dns after servers", () => {
  const manifest = readJson(path.join(synth.outdir, "manifest.json"));
  for (const env of ["dr", "production", "staging"]) {
    expect(manifest.stacks[`${env}-network`].dependencies).toEqual([]);
    expect(manifest.stacks[`${env}-servers`].dependencies).toEqual([`${env}-network`]);
    expect(manifest.stacks[`${env}-dns`].dependencies).toEqual([`${env}-servers`]);
    expect(manifest.stacks[`${env}-backup`].dependencies).toEqual([]);
  }
});

describe.each(["production", "staging", "dr"])("%s contains exactly what its config declares", (envName) => {
  const spec = synth.specs.find((s) => s.environment.name === envName)!;
  const stack = (concern: string) => synth.stacks.get(`${envName}-${concern}`);
  const types = (concern: string) => Object.keys(stack(concern).resource ?? {}).sort();

  test("network: SSH keys, networks, subnets, routes, firewalls, placement groups", () => {
    const tf = stack("network");
    const namesByType: Record<string, string[]> = {
      hcloud_ssh_key: sorted(spec.operators.ssh_keys.map((k) => k.name)),
      hcloud_network: sorted(spec.networks.map((n) => n.name)),
      hcloud_network_subnet: sorted(
        spec.networks.flatMap((n) => n.subnets.map((s) => `${n.name}-${slugOfRange(s.ip_range)}`)),
      ),
      hcloud_firewall: sorted(spec.firewall_policies.map((p) => p.name)),
      hcloud_placement_group: sorted(spec.placement_groups.map((p) => p.name)),
    };
    expect(types("network")).toEqual(sorted([...Object.keys(namesByType), "hcloud_network_route"]));
    for (const [type, expected] of Object.entries(namesByType)) expect(names(tf, type)).toEqual(expected);
    expect(names(tf, "hcloud_network_route")).toHaveLength(spec.networks.reduce((n, net) => n + net.routes.length, 0));
  });

  test("servers: servers, primary IPs, reverse DNS, attachments, volumes, floating IPs", () => {
    const tf = stack("servers");
    const servers = spec.servers;
    const floating = servers.filter((s) => s.floating_ip);
    expect(types("servers")).toEqual(
      sorted([
        "hcloud_server",
        "hcloud_primary_ip",
        "hcloud_rdns",
        "hcloud_server_network",
        ...(servers.some((s) => s.volumes.length > 0) ? ["hcloud_volume", "hcloud_volume_attachment"] : []),
        ...(floating.length > 0 ? ["hcloud_floating_ip", "hcloud_floating_ip_assignment"] : []),
      ]),
    );
    expect(names(tf, "hcloud_server")).toEqual(sorted(servers.map((s) => s.name)));
    expect(names(tf, "hcloud_primary_ip")).toEqual(
      sorted(servers.flatMap((s) => [`${s.name}-ipv6`, ...(s.public.ipv4 ? [`${s.name}-ipv4`] : [])])),
    );
    expect(names(tf, "hcloud_rdns")).toEqual(
      sorted(
        servers.flatMap((s) => [
          ...(s.public.rdns.ipv4 ? [`${s.name}-ipv4`] : []),
          ...(s.public.rdns.ipv6 ? [`${s.name}-ipv6`] : []),
          ...(s.floating_ip?.rdns ? [`${s.name}-floating-${s.floating_ip.type}`] : []),
        ]),
      ),
    );
    expect(names(tf, "hcloud_server_network")).toEqual(
      sorted(servers.flatMap((s) => s.networks.map((n) => `${s.name}-${n.network}`))),
    );
    const volumes = sorted(servers.flatMap((s) => s.volumes.map((v) => v.name)));
    expect(names(tf, "hcloud_volume")).toEqual(volumes);
    expect(names(tf, "hcloud_volume_attachment")).toEqual(volumes);
    const fips = sorted(floating.map((s) => `${s.name}-floating-${s.floating_ip!.type}`));
    expect(names(tf, "hcloud_floating_ip")).toEqual(fips);
    expect(names(tf, "hcloud_floating_ip_assignment")).toEqual(fips);
  });

  test("servers carry the properties of their description", () => {
    const tf = stack("servers");
    for (const s of spec.servers) {
      const r = tf.resource.hcloud_server[s.name];
      expect({ name: s.name, type: r.server_type, location: r.location, image: r.image, backups: r.backups }).toEqual({
        name: s.name,
        type: s.type,
        location: s.location,
        image: s.image,
        backups: s.backups,
      });
      for (const n of s.networks.filter((n) => n.ip))
        expect(tf.resource.hcloud_server_network[`${s.name}-${n.network}`].ip).toBe(n.ip);
    }
  });

  test("dns: zones, and one record set per name and type of each primary zone", () => {
    const tf = stack("dns");
    expect(names(tf, "hcloud_zone")).toEqual(sorted(spec.zones.map((z) => zoneId(z.name))));
    const rrsets = spec.zones
      .filter((z) => z.mode === "primary")
      .flatMap((z) => z.records.map((r) => `${zoneId(z.name)}-${recordSlug(r.name)}-${r.type.toLowerCase()}`));
    expect(names(tf, "hcloud_zone_rrset")).toEqual(sorted(rrsets));
    for (const z of spec.zones) expect(tf.resource.hcloud_zone[zoneId(z.name)].mode).toBe(z.mode);
  });

  test("backup: storage boxes and one subaccount per declared subaccount", () => {
    const tf = stack("backup");
    expect(types("backup")).toEqual(["hcloud_storage_box", "hcloud_storage_box_subaccount"]);
    expect(names(tf, "hcloud_storage_box")).toEqual(sorted(spec.storage_boxes.map((b) => b.name)));
    expect(names(tf, "hcloud_storage_box_subaccount")).toEqual(
      sorted(spec.storage_boxes.flatMap((b) => b.subaccounts.map((s) => `${b.name}-${s.name}`))),
    );
  });

  test("each firewall selects exactly the servers whose description lists it", () => {
    const network = stack("network");
    const servers = stack("servers");
    for (const policy of spec.firewall_policies) {
      const fw = network.resource.hcloud_firewall[policy.name];
      const selectors = fw.apply_to.map((a: { label_selector: string }) => a.label_selector);
      expect(selectors).toEqual([`${firewallLabel(policy.name)}=on`]);
      const members = Object.entries(
        servers.resource.hcloud_server as Record<string, { labels: Record<string, string> }>,
      )
        .filter(([, r]) => r.labels[firewallLabel(policy.name)] === "on")
        .map(([name]) => name);
      expect({ policy: policy.name, members: members.sort() }).toEqual({
        policy: policy.name,
        members: sorted(spec.servers.filter((s) => s.firewall_policies.includes(policy.name)).map((s) => s.name)),
      });
    }
  });

  test("protection follows the environment: delete protection and prevent_destroy on stateful resources", () => {
    const expected = spec.environment.protect;
    const stateful: Array<[string, string]> = [
      ["servers", "hcloud_server"],
      ["servers", "hcloud_primary_ip"],
      ["servers", "hcloud_volume"],
      ["dns", "hcloud_zone"],
      ["backup", "hcloud_storage_box"],
    ];
    for (const [concern, type] of stateful) {
      for (const [name, r] of Object.entries(stack(concern).resource[type] ?? {}) as Array<[string, any]>) {
        expect({ type, name, delete: r.delete_protection, prevent: r.lifecycle?.prevent_destroy ?? false }).toEqual({
          type,
          name,
          delete: expected,
          prevent: expected,
        });
      }
    }
  });
});
