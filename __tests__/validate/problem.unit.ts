/**
 * Printing problems, and the "nearest name" suggestions used in messages.
 */

import { type Problem, countBySeverity, editDistance, formatProblem, nearestName } from "../../validate";

const problem = (fields: Partial<Problem>): Problem => ({
  severity: "error",
  stack: "s",
  address: "hcloud_server.web",
  path: "rule[0].port",
  message: "m (expected x)",
  ...fields,
});

describe("formatProblem", () => {
  it("prints `<stack> <address> <path>: <message>` for errors", () => {
    expect(formatProblem(problem({}))).toBe("s hcloud_server.web rule[0].port: m (expected x)");
  });

  it("prefixes warnings and leaves out empty parts", () => {
    expect(formatProblem(problem({ severity: "warning" }))).toBe(
      "warning: s hcloud_server.web rule[0].port: m (expected x)",
    );
    expect(formatProblem(problem({ path: "" }))).toBe("s hcloud_server.web: m (expected x)");
    expect(formatProblem(problem({ address: "", path: "" }))).toBe("s: m (expected x)");
    expect(formatProblem(problem({ stack: "", address: "", path: "" }))).toBe("m (expected x)");
  });

  it("counts errors and warnings", () => {
    expect(countBySeverity([problem({}), problem({ severity: "warning" }), problem({})])).toEqual({
      errors: 2,
      warnings: 1,
    });
  });
});

describe("suggestions", () => {
  it("computes edit distances with transpositions", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("nmae", "name")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests close names, prefixes and snake_case for camelCase", () => {
    const names = ["name", "server_type", "image", "ipv4_address", "ipv6_address", "location"];
    expect(nearestName("nmae", names)).toBe("name");
    expect(nearestName("serverType", names)).toBe("server_type");
    expect(nearestName("ipv4", names)).toBe("ipv4_address");
    expect(nearestName("locaton", names)).toBe("location");
    expect(nearestName("zzz", names)).toBeUndefined();
    expect(nearestName("foo", ["iso", "id"])).toBeUndefined();
  });
});
