// What `npm test` needs besides npm's packages: on a machine that lacks a
// tool and cannot install it, one message names each missing tool and how to
// get it, before any test runs (testing/prerequisites.ts).
import { DNS_TOOLS, missingTools, prerequisites } from "../../testing/prerequisites";
import { makeTempDir } from "../../testing/tmp";

const t = makeTempDir("all2all-prerequisites-");
afterAll(() => t.cleanup());

test("without the DNS tools, apt-get, the engine or Go, every missing tool is named with how to get it", async () => {
  // An empty PATH: no DNS tool, no apt-get to install them, no go to build the engine.
  const problems = await prerequisites({ PATH: t.dir, HOME: t.dir, ALL2ALL_ENGINE_CACHE: t.dir });
  // Debian puts some in /usr/sbin, which is always looked in: those may be found.
  const missing = missingTools(DNS_TOOLS, { PATH: t.dir });
  expect(missing.map((m) => m.command)).toEqual(expect.arrayContaining(["named-checkzone", "kzonecheck", "kdig"]));
  for (const tool of missing) {
    expect(problems.join("\n")).toContain(`${tool.command} is missing: install Debian's ${tool.pkg}`);
  }
  expect(problems.join("\n")).toMatch(
    /the engine is not built and Go is not on PATH: install Go 1\.26.*npm run engine.*ALL2ALL_SKIP_E2E=1/,
  );
  expect(problems.join("\n")).toMatch(
    /versitygw is not built and Go is not on PATH: install Go 1\.26.*npm run engine.*ALL2ALL_SKIP_E2E=1/,
  );
});

test("the skips are explicit: ALL2ALL_SKIP_DNS_TOOLS=1 and ALL2ALL_SKIP_E2E=1 leave nothing to report", async () => {
  const problems = await prerequisites({
    PATH: t.dir,
    HOME: t.dir,
    ALL2ALL_ENGINE_CACHE: t.dir,
    ALL2ALL_SKIP_DNS_TOOLS: "1",
    ALL2ALL_SKIP_E2E: "1",
  });
  expect(problems).toEqual([]);
});
