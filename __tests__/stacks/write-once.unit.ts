// HcloudStack writes its document without resolving the blocks kept from the
// preparing pass again (stacks/write-once.ts): the document must be the one
// cdktn's own TerraformStack.toTerraform() builds from scratch.
import { App, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from "cdktn";
import { Network } from "../../.gen/providers/hcloud/network";
import { NetworkSubnet } from "../../.gen/providers/hcloud/network-subnet";
import { readProjectConfig } from "../../cli/project";
import { loadNetwork } from "../../description";
import { buildApp } from "../../stacks/app";
import { HcloudStack } from "../../stacks/hcloud-stack";
import { forgetStack, keptResolved } from "../../stacks/resolve-once";
import { stackDocument } from "../../stacks/write-once";
import { defaultConfig, repoRoot } from "../../testing/tmp";

/** Prepares every stack as `app.synth()` does, then each stack's document both ways. */
function bothWays(app: App): { ours: unknown; cdktns: unknown; kept: number }[] {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  for (const stack of stacks) stack.prepareStack();
  return stacks.map((stack) => {
    const resources = stack.node.findAll().filter(TerraformResource.isTerraformResource);
    const kept = resources.filter((r) => keptResolved(r) !== undefined).length;
    const ours = stackDocument(stack);
    forgetStack(stack);
    return { ours, cdktns: TerraformStack.prototype.toTerraform.call(stack), kept };
  });
}

test("the default config: every stack's document is cdktn's, written from the kept blocks", () => {
  const loaded = loadNetwork(defaultConfig);
  if (!loaded.ok) throw new Error("the default config does not load");
  const { app } = buildApp(loaded.specs, { context: readProjectConfig(repoRoot).context });
  const documents = bothWays(app);
  expect(documents.length).toBeGreaterThan(3);
  expect(documents.some((d) => d.kept > 10)).toBe(true);
  for (const { ours, cdktns } of documents) expect(ours).toStrictEqual(cdktns);
});

test("a cross-stack reference, an output, and stack overrides with a token or an undefined value", () => {
  const app = new App({ stackTraces: false });
  const a = new HcloudStack(app, { environment: "t", concern: "a" });
  const network = new Network(a, "net", { name: "net", ipRange: "10.0.0.0/16" });
  const b = new HcloudStack(app, { environment: "t", concern: "b" });
  new NetworkSubnet(b, "subnet", {
    networkId: network.id as unknown as number,
    type: "cloud",
    networkZone: "eu-central",
    ipRange: "10.0.1.0/24",
  });
  new TerraformOutput(b, "out", { value: network.name });
  const c = new HcloudStack(app, { environment: "t", concern: "c" });
  const zone = new TerraformVariable(c, "zone", { type: "string" });
  new NetworkSubnet(c, "subnet", {
    networkId: 1,
    type: "cloud",
    networkZone: zone.stringValue,
    ipRange: "10.0.2.0/24",
  });
  c.addOverride("terraform.custom.zone", zone.stringValue);
  b.addOverride("terraform.encryption.plan", undefined);
  const documents = bothWays(app);
  expect(documents.map((d) => d.kept)).toEqual([1, 1, 1]);
  for (const { ours, cdktns } of documents) expect(ours).toStrictEqual(cdktns);
  const [, second, third] = documents.map((d) => d.ours as any);
  expect(second.data.terraform_remote_state).toBeDefined();
  expect(second.terraform.encryption.plan).toBeUndefined();
  expect(third.terraform.custom.zone).toBe("${var.zone}");
});
