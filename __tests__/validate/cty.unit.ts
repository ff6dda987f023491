/**
 * cty types and Terraform's conversion rules for literal JSON values.
 */

import { describeType, parseCtyType, typeProblems } from "../../validate";

const check = (value: unknown, type: unknown): string[] =>
  typeProblems(value, parseCtyType(type)).map((p) => `${p.path}: ${p.message}`);

describe("parseCtyType", () => {
  it("parses every form and rejects unknown ones", () => {
    expect(describeType(parseCtyType(["map", ["list", "number"]]))).toBe("map of list of number");
    expect(describeType(parseCtyType(["object", { a: "string", b: "bool" }]))).toBe("object with attributes a, b");
    expect(describeType(parseCtyType(["tuple", ["string", "number"]]))).toBe("tuple of 2 elements");
    expect(describeType(parseCtyType("dynamic"))).toBe("any value");
    expect(() => parseCtyType("text")).toThrow('unknown cty type "text"');
    expect(() => parseCtyType(["vector", "string"])).toThrow('unknown cty type kind "vector"');
    expect(() => parseCtyType("constructor")).toThrow();
  });
});

describe("typeProblems", () => {
  it("converts primitives as Terraform does", () => {
    expect(check(42, "string")).toEqual([]);
    expect(check(false, "string")).toEqual([]);
    expect(check("-1.5e3", "number")).toEqual([]);
    expect(check("0x10", "number")).toEqual([
      ': wrong type: got string "0x10", which is not a number (expected number)',
    ]);
    expect(check(true, "number")).toEqual([": wrong type: got boolean true (expected number)"]);
    expect(check("1", "bool")).toEqual([]);
    expect(check("TRUE", "bool")).toEqual([
      ': wrong type: got string "TRUE", which is not "true", "false", "1" or "0" (expected bool)',
    ]);
    expect(check(0, "bool")).toEqual([": wrong type: got number 0 (expected bool)"]);
  });

  it("accepts null and interpolations for any type", () => {
    expect(check(null, ["list", "string"])).toEqual([]);
    expect(check("${var.x}", ["map", "number"])).toEqual([]);
    expect(check("%{ if var.x }1%{ endif }", "number")).toEqual([]);
    expect(check("$${literal}", "number")).toEqual([
      ': wrong type: got string "$${literal}", which is not a number (expected number)',
    ]);
  });

  it("checks collections recursively", () => {
    expect(check(["a", 1, true], ["set", "string"])).toEqual([]);
    expect(check(["a", ["b"]], ["list", "string"])).toEqual([
      "[1]: wrong type: got array of 1 element (expected string)",
    ]);
    expect(check({ a: "1", b: "x" }, ["map", "number"])).toEqual([
      'b: wrong type: got string "x", which is not a number (expected number)',
    ]);
    expect(check({ a: 1 }, ["list", "number"])).toEqual([": wrong type: got object (expected list of number)"]);
    expect(check([1], ["map", "number"])).toEqual([": wrong type: got array of 1 element (expected map of number)"]);
  });

  it("checks objects: missing attributes are errors, extra ones are discarded", () => {
    const type = ["object", { name: "string", port: "number" }];
    expect(check({ name: "a", port: "80", extra: [1] }, type)).toEqual([]);
    expect(check({ name: "a" }, type)).toEqual(['port: missing object attribute "port" (expected number)']);
    expect(check({ name: "a" }, ["object", { name: "string", port: "number" }, ["port"]])).toEqual([]);
    expect(check("a", type)).toEqual([': wrong type: got string "a" (expected object with attributes name, port)']);
  });

  it("checks tuples by length and element", () => {
    const type = ["tuple", ["string", "number"]];
    expect(check(["a", 1], type)).toEqual([]);
    expect(check(["a", "b"], type)).toEqual([
      '[1]: wrong type: got string "b", which is not a number (expected number)',
    ]);
    expect(check(["a"], type)).toEqual([": wrong type: got array of 1 element (expected tuple of 2 elements)"]);
  });

  it("accepts anything for dynamic", () => {
    expect(check({ a: [1, { b: null }] }, "dynamic")).toEqual([]);
  });
});
