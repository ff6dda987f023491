// versitygw, the S3-compatible server of the state-locking tests, is pinned
// in engine/versions.json and cached apart from the engine (engine/engine.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { engineKey, findVersitygw, readVersions, versitygwKey, versitygwPath } from "../../engine/engine";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-versitygw-pin-");
afterAll(() => t.cleanup());

test("the pin names the module, an exact version, its command's package and a build without cgo", () => {
  const v = readVersions();
  expect(v.versitygw.module).toBe("github.com/versity/versitygw");
  expect(v.versitygw.version).toMatch(/^v\d+\.\d+\.\d+$/);
  expect(v.versitygw.package).toBe("./cmd/versitygw");
  expect(v.versitygw.env).toEqual({ CGO_ENABLED: "0" });
});

test("it is cached in its own folder, never the engine's, and found only once built", () => {
  const v = readVersions();
  const env = { ALL2ALL_ENGINE_CACHE: t.dir };
  const bin = versitygwPath(env, v);
  expect(path.relative(t.dir, bin).split(path.sep)[0]).toBe(versitygwKey(v));
  expect(versitygwKey(v)).not.toBe(engineKey(v));
  expect(findVersitygw(env, v)).toBeUndefined();
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.writeFileSync(bin, "");
  expect(findVersitygw(env, v)).toBe(bin);
});

test("a versions file without the versitygw pin is refused, by name", () => {
  const file = path.join(t.dir, "versions.json");
  const v = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "engine", "versions.json"), "utf8"));
  delete v.versitygw;
  fs.writeFileSync(file, JSON.stringify(v));
  expect(() => readVersions(file)).toThrow(/versitygw needs "module" and "version"/);
});
