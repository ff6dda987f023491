/**
 * The expression scanner: which parts of a Terraform template are references.
 */

import { hasInterpolation, parseTraversal, scanExpression, scanTemplate } from "../../validate";

const refs = (text: string): string[] => scanTemplate(text).references.map((r) => r.text);

describe("hasInterpolation", () => {
  it("tells templates from literals, honouring escapes", () => {
    expect(hasInterpolation("plain")).toBe(false);
    expect(hasInterpolation("a ${b}")).toBe(true);
    expect(hasInterpolation("%{ if x }y%{ endif }")).toBe(true);
    expect(hasInterpolation("$${not} %%{ not }")).toBe(false);
    expect(hasInterpolation("{json: true}")).toBe(false);
    expect(hasInterpolation("$$${yes}")).toBe(false); // a literal "$", then the escape "$${"
  });
});

describe("scanTemplate", () => {
  it("finds plain references with their steps", () => {
    const ref = scanTemplate("${hcloud_server.web-1[0].network[*].ip}").references[0]!;
    expect(ref.root).toBe("hcloud_server");
    expect(ref.steps).toEqual([
      { kind: "attr", name: "web-1" },
      { kind: "index", key: 0 },
      { kind: "attr", name: "network" },
      { kind: "splat" },
      { kind: "attr", name: "ip" },
    ]);
  });

  it("parses legacy index and splat steps and string keys", () => {
    expect(scanTemplate('${a.b.0.c} ${a.b.*.c} ${a.b["k.1"].c}').references.map((r) => r.steps)).toEqual([
      [
        { kind: "attr", name: "b" },
        { kind: "index", key: 0 },
        { kind: "attr", name: "c" },
      ],
      [{ kind: "attr", name: "b" }, { kind: "splat" }, { kind: "attr", name: "c" }],
      [
        { kind: "attr", name: "b" },
        { kind: "index", key: "k.1" },
        { kind: "attr", name: "c" },
      ],
    ]);
  });

  it("skips function names, namespaced functions and attributes of call results", () => {
    expect(refs("${element(hcloud_server.web.*.id, 0)}")).toEqual(["hcloud_server.web.*.id"]);
    expect(refs("${tolist(hcloud_zone.z.authoritative_nameservers)[0].x}")).toEqual([
      "hcloud_zone.z.authoritative_nameservers",
    ]);
    expect(refs("${provider::hcloud::parse(var.x)}")).toEqual(["var.x"]);
  });

  it("skips string literals but scans their interpolations", () => {
    expect(refs('${upper("hcloud_server.web.id")}')).toEqual([]);
    expect(refs('${format("%s-${var.env}", local.name)}')).toEqual(["var.env", "local.name"]);
    expect(refs('${replace(var.a, "\\"", "")}')).toEqual(["var.a"]);
  });

  it("handles operators, conditionals, keywords and numbers", () => {
    expect(refs('${hcloud_server.web.ipv4_address != "" ? 1 : 0}')).toEqual(["hcloud_server.web.ipv4_address"]);
    expect(refs("${var.a && !var.b || true ? null : -1.5e3}")).toEqual(["var.a", "var.b"]);
    expect(refs("${count.index + 1}")).toEqual(["count.index"]);
  });

  it("does not treat object keys or for-expression symbols as references", () => {
    expect(refs('${merge(local.l, { env = "prod", role: var.role })}')).toEqual(["local.l", "var.role"]);
    expect(refs("${{\n  a = var.x\n  b = var.y\n}}")).toEqual(["var.x", "var.y"]);
    expect(refs("${[for s in hcloud_server.pool : s.id if s.id != var.skip]}")).toEqual([
      "hcloud_server.pool",
      "var.skip",
    ]);
    expect(refs("${{ for k, v in var.m : k => v.name }}")).toEqual(["var.m"]);
    expect(refs("${[for s in var.l : s] } ${s.x}")).toEqual(["var.l", "s.x"]);
  });

  it("handles %{ } directives, their for symbols and $${ escapes", () => {
    expect(refs("%{ if var.on ~}yes%{ else }${local.no}%{ endif }")).toEqual(["var.on", "local.no"]);
    expect(refs("%{ for ip in var.ips }${ip} %{ endfor }${ip}")).toEqual(["var.ips", "ip"]);
    expect(refs("$${hcloud_server.web.id} and ${var.x}")).toEqual(["var.x"]);
  });

  it("scans computed indexes and heredocs", () => {
    expect(refs("${hcloud_server.pool[var.i].id}")).toEqual(["var.i", "hcloud_server.pool[var.i].id"]);
    expect(refs("${<<EOT\nhello ${var.name}\nEOT\n}")).toEqual(["var.name"]);
  });

  it("reports unclosed interpolations", () => {
    expect(scanTemplate("${var.x").errors).toEqual(['unclosed "${" (expected "}")']);
    expect(scanTemplate('${upper("x)}').errors.length).toBeGreaterThan(0);
  });
});

describe("scanExpression and parseTraversal", () => {
  it("scans bare expressions", () => {
    expect(scanExpression("hcloud_server.web").references.map((r) => r.text)).toEqual(["hcloud_server.web"]);
  });

  it("parses a single traversal, unwrapping ${}", () => {
    expect(parseTraversal("hcloud_server.web[0]")?.steps).toEqual([
      { kind: "attr", name: "web" },
      { kind: "index", key: 0 },
    ]);
    expect(parseTraversal("${hcloud_server.web}")?.text).toBe("hcloud_server.web");
    expect(parseTraversal("hcloud_server.web + 1")).toBeUndefined();
    expect(parseTraversal("")).toBeUndefined();
  });
});
