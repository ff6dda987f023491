/**
 * Large stacks: the validator's results on networks of thousands of servers,
 * including thousands of distinct misspelt references (whose suggestions
 * share a capped budget). Timing is measured by bench/run.js, not here.
 */

import * as path from "node:path";
import { loadProviderSchemas, validateStack } from "../../validate";

const schemas = loadProviderSchemas([path.join(__dirname, "../../providers/hcloud/schema.json")]);

/** n servers, each with its own primary IP, referencing shared network and firewall. */
function network(n: number, ipv4Reference: (i: number) => string): Record<string, unknown> {
  const servers: Record<string, unknown> = {};
  const ips: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    ips[`web-${i}-v4`] = {
      name: `web-${i}-v4`,
      type: "ipv4",
      location: "fsn1",
      assignee_type: "server",
      auto_delete: false,
    };
    servers[`web-${i}`] = {
      "//": { metadata: { path: `s/web-${i}`, uniqueId: `web-${i}` } },
      name: `web-${i}`,
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      firewall_ids: ["${hcloud_firewall.web.id}"],
      labels: { role: "web", index: i },
      public_net: [{ ipv4_enabled: true, ipv4: ipv4Reference(i) }],
      network: [{ network_id: "${hcloud_network.main.id}", ip: `10.0.${i >> 8}.${i & 255}` }],
      depends_on: ["hcloud_network.main"],
      lifecycle: { ignore_changes: ["ssh_keys"] },
    };
    outputs[`web-${i}-ip`] = { value: `\${hcloud_server.web-${i}.ipv4_address}` };
  }
  return {
    terraform: { required_providers: { hcloud: { source: "hetznercloud/hcloud" } } },
    provider: { hcloud: [{}] },
    resource: {
      hcloud_network: { main: { name: "main", ip_range: "10.0.0.0/8" } },
      hcloud_firewall: { web: { name: "web" } },
      hcloud_primary_ip: ips,
      hcloud_server: servers,
    },
    output: outputs,
  };
}

describe("large stacks", () => {
  it("finds no problem in a valid 5,000-server network", () => {
    const doc = network(5000, (i) => `\${hcloud_primary_ip.web-${i}-v4.id}`);
    const result = validateStack("big", doc, schemas);
    expect(result).toEqual([]);
  });

  it("reports each of 5,000 different misspelt references, each with its own suggestion", () => {
    const doc = network(5000, (i) => `\${hcloud_primary_ip.web-${i}-v6.id}`);
    const result = validateStack("big", doc, schemas);
    expect(result).toHaveLength(5000);
    expect(result[0]!.message).toBe(
      'reference to undeclared resource "hcloud_primary_ip.web-0-v6" (expected a resource ' +
        'declared in this stack; nearest is "hcloud_primary_ip.web-0-v4")',
    );
    expect(result[0]!.path).toBe("public_net[0].ipv4");
  });
});
