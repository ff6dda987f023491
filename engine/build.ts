/**
 * `npm run engine`: builds the pinned engine into the cache (or says it is
 * there) and prints where it is, and versitygw, the S3-compatible server of
 * the state-locking tests, beside it. `--force` rebuilds; `--print` prints only the
 * cached engine's folder (exit 2 when it is not built).
 */
import { buildEngine, buildVersitygw, ENGINE_HINT, findEngine } from "./engine";

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => !["--force", "--print", "--help", "-h"].includes(a));
  if (argv.includes("--help") || argv.includes("-h") || unknown.length > 0) {
    const text = [
      "usage: npm run engine [-- --force | --print]",
      "",
      "Builds OpenTofu and terraform-provider-hcloud from their Go modules, at the",
      "versions of engine/versions.json, into ~/.cache/all2all/engine/<versions>/",
      "(or $ALL2ALL_ENGINE_CACHE), and versitygw (the S3-compatible server of the",
      "state-locking tests) into versitygw-<version>/ beside it. A run with both",
      "cached takes seconds.",
      "  --force   rebuild even when the engine is cached",
      "  --print   print the cached engine's folder; exit 2 when it is not built",
    ].join("\n");
    if (unknown.length > 0) {
      console.error(`engine: unknown argument ${unknown.join(" ")}\n\n${text}`);
      return 2;
    }
    console.log(text);
    return 0;
  }
  if (argv.includes("--print")) {
    const e = findEngine(process.env);
    if (!e) {
      console.error(`engine: not built; ${ENGINE_HINT}`);
      return 2;
    }
    console.log(e.dir);
    return 0;
  }
  try {
    const r = await buildEngine(process.env, (line) => console.log(line), { force: argv.includes("--force") });
    console.log(`tofu:       ${r.engine.tofu}`);
    console.log(`provider:   ${r.engine.provider}`);
    console.log(`CLI config: ${r.engine.cliConfig}`);
    console.log(`${r.built ? "built" : "cached"} in ${r.seconds.toFixed(1)} s`);
    const s3 = await buildVersitygw(process.env, (line) => console.log(line), { force: argv.includes("--force") });
    console.log(`versitygw:  ${s3.binary} (${s3.built ? "built" : "cached"} in ${s3.seconds.toFixed(1)} s)`);
    return 0;
  } catch (err) {
    console.error(`engine: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
