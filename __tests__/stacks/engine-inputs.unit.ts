// What the engine reads before it plans: the version it must be, and where it
// takes the provider from. Both hold on an operator's machine, with OpenTofu
// or Terraform (issue: the real engine as judge).
import { PROVIDER_SOURCE, requiredEngineVersion } from "../../stacks/hcloud-stack";
import { synthDefault, type SynthResult } from "../../testing/synth";

let result: SynthResult;
beforeAll(() => {
  result = synthDefault();
});
afterAll(() => result.cleanup());

describe("required_version", () => {
  test("follows what the stack uses: the S3 lock file needs 1.10, import blocks 1.5, moved blocks 1.1", () => {
    expect(requiredEngineVersion({ terraform: { backend: { s3: { use_lockfile: true } } } })).toBe(">= 1.10.0");
    expect(requiredEngineVersion({ terraform: { backend: { s3: {} } }, import: [{}] })).toBe(">= 1.5.0");
    expect(requiredEngineVersion({ terraform: { backend: { local: {} } }, moved: [{}] })).toBe(">= 1.1.0");
    expect(requiredEngineVersion({})).toBe(">= 1.0.0");
  });

  test("every stack declares it; production's (state in S3 with use_lockfile) needs 1.10", () => {
    for (const [name, tf] of result.stacks) {
      expect(tf.terraform.required_version).toBe(requiredEngineVersion(tf));
      if (name.startsWith("production-")) {
        expect(tf.terraform.backend.s3.use_lockfile).toBe(true);
        expect(tf.terraform.required_version).toBe(">= 1.10.0");
      }
    }
  });
});

test("the provider's source is unqualified, so OpenTofu and Terraform each take it from their own registry", () => {
  expect(PROVIDER_SOURCE).toBe("hetznercloud/hcloud");
  for (const tf of result.stacks.values())
    expect(tf.terraform.required_providers.hcloud.source).toBe("hetznercloud/hcloud");
});
