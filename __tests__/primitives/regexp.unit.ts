import { joinRegExp } from "../../primitives/regexp";

test("the parts join by their source and keep their flags", () => {
  const joined = joinRegExp(/^deploy: (\w+) /m, /step plan failed \(exit \d+\)$/m);
  expect(joined.source).toBe(String.raw`^deploy: (\w+) step plan failed \(exit \d+\)$`);
  expect(joined.flags).toBe("m");
  expect(joined.test("x\ndeploy: prod step plan failed (exit 1)\ny")).toBe(true);
  expect(joined.test("deploy: prod step plan failed (exit 1) and more")).toBe(false);
});

test("parts with different flags are refused, naming the odd one", () => {
  expect(() => joinRegExp(/a/m, /b/)).toThrow('joinRegExp: every part takes the same flags ("m"), not /b/');
});
