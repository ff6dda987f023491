// The rendered Knot configuration, run: a real knotd (unprivileged, on the
// loopback interface only, with the secondaries replaced by 127.0.0.1 and no
// NOTIFY target, so no packet leaves the machine) loads the rendered zone
// file, signs it, lets a transfer signed with the zone's TSIG key through and
// refuses one without it, and takes a changed file without a new serial
// (`zonefile-load: difference-no-serial`), serving a larger serial itself.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadNetwork, type ZoneSpec } from "../../description";
import { DEFAULT_CONFIG } from "../../testing/description";
import { makeTempDir } from "../../testing/tmp";
import { describeWithTool, KDIG, KNOTC, KNOTD, runTool } from "../../testing/dns-tools";
import { freePort, localKnotConfig } from "../../testing/knot";
import { readZoneText } from "../../testing/zone-reader";
import { canonicalSets, specSets } from "../../testing/zone-sets";
import {
  placeholderAddresses,
  renderKnotConfigs,
  renderZone,
  servingOf,
  withSerial,
  type SecondaryServers,
} from "../../zonefile";

const ZONE = "all2all.org";
const KEY = "all2all-org-transfer";

describeWithTool(KNOTD, "a running Knot DNS with the rendered configuration", (knotd) => {
  describeWithTool(KDIG, "queried with kdig", (kdig) => {
    describeWithTool(KNOTC, "controlled with knotc", (knotc) => {
      const t = makeTempDir("all2all-knotd-");
      const loaded = loadNetwork(DEFAULT_CONFIG, { env: "production" });
      if (!loaded.ok) throw new Error("default config does not load");
      const spec = loaded.specs[0]!;
      const zone = spec.zones.find((z) => z.name === ZONE) as ZoneSpec;
      const book = placeholderAddresses(spec.servers);
      // Only this machine may transfer; nobody is notified.
      const local: SecondaryServers = {
        name: "test",
        nameservers: ["hydrogen.ns.hetzner.com."],
        transferSources: ["127.0.0.1"],
        notify: [],
      };
      const serving = (z: ZoneSpec) => servingOf(z, [local]);
      const secret = randomBytes(32).toString("base64");
      const conf = path.join(t.dir, "knot.conf");
      const zoneFile = path.join(t.dir, "storage", "zones", `${ZONE}.zone`);
      let port = 0;
      let daemon: ChildProcess | undefined;
      let log = "";

      const dig = (...args: string[]) =>
        runTool(kdig(), [`@127.0.0.1`, "-p", String(port), "+tcp", "+time=2", "+retry=0", ...args]);
      const soaSerial = () => Number(dig(ZONE, "SOA", "+short").stdout.trim().split(/\s+/)[2]);
      const waitFor = async (what: string, ok: () => boolean) => {
        for (let i = 0; i < 100; i++) {
          if (ok()) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`knotd: ${what} did not happen in 10 s; its log:\n${log}`);
      };

      beforeAll(async () => {
        port = await freePort();
        const rendered = renderKnotConfigs(spec.zones as ZoneSpec[], { environment: "production", servingOf: serving });
        expect(rendered.map((c) => c.server)).toEqual(["ns-1"]);
        expect(rendered[0]!.text).not.toMatch(/^remote:/m);
        fs.mkdirSync(path.join(t.dir, "run"), { recursive: true });
        fs.mkdirSync(path.dirname(zoneFile), { recursive: true });
        fs.mkdirSync(path.join(t.dir, "keys"));
        fs.writeFileSync(
          path.join(t.dir, "keys", `${KEY}.conf`),
          `key:\n  - id: ${KEY}\n    algorithm: hmac-sha256\n    secret: ${secret}\n`,
        );
        fs.writeFileSync(conf, localKnotConfig(rendered[0]!.text, t.dir, port));
        fs.writeFileSync(
          zoneFile,
          withSerial(
            renderZone(zone, { environment: "production", addresses: book, serving: serving(zone) }).template,
            2026010200,
          ),
        );
        daemon = spawn(knotd(), ["-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
        daemon.stdout!.on("data", (d) => (log += d));
        daemon.stderr!.on("data", (d) => (log += d));
        await waitFor("serving the signed zone", () => dig(ZONE, "DNSKEY", "+short").stdout.trim() !== "");
      }, 20000);

      afterAll(async () => {
        if (daemon && daemon.exitCode === null) {
          const exited = new Promise((r) => daemon!.once("exit", r));
          daemon.kill("SIGTERM");
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
          clearTimeout(timer);
          if (daemon.exitCode === null) daemon.kill("SIGKILL");
        }
        daemon?.stdout?.destroy();
        daemon?.stderr?.destroy();
        t.cleanup();
      });

      test("serves the zone signed, and transfers it to the key holder: the config's records plus DNSSEC", () => {
        const axfr = dig("-y", `hmac-sha256:${KEY}:${secret}`, ZONE, "AXFR");
        expect(axfr.status).toBe(0);
        const records = readZoneText(axfr.stdout, `${ZONE}.`);
        const types = new Set(records.map((r) => r.type));
        for (const dnssec of ["DNSKEY", "RRSIG", "NSEC3", "NSEC3PARAM"]) expect(types).toContain(dnssec);
        // Without the DNSSEC records and the TSIG of the answer itself.
        const plain = records.filter(
          (r) =>
            r.owner !== `${KEY}.` && !["DNSKEY", "RRSIG", "NSEC3", "NSEC3PARAM", "CDS", "CDNSKEY"].includes(r.type),
        );
        // AXFR repeats the SOA at the end.
        const sets = canonicalSets(
          plain.filter((r, i) => !(r.type === "SOA" && i > 0)),
          `${ZONE}.`,
        );
        const withoutSoaNs = sets.filter((s) => !(s.owner === `${ZONE}.` && (s.type === "SOA" || s.type === "NS")));
        expect(withoutSoaNs).toEqual(specSets(zone, book));
      });

      test("refuses a transfer without the key, with a wrong key, and from another address with the right key", () => {
        const unsigned = dig(ZONE, "AXFR");
        expect(unsigned.stdout + unsigned.stderr).not.toMatch(/IN\s+DNSKEY/);
        expect(unsigned.stdout + unsigned.stderr).toMatch(/server replied with error 'NOTAUTH'/);
        const wrong = dig("-y", `hmac-sha256:${KEY}:${randomBytes(32).toString("base64")}`, ZONE, "AXFR");
        expect(wrong.stdout + wrong.stderr).not.toMatch(/IN\s+DNSKEY/);
        expect(wrong.stdout + wrong.stderr).toMatch(/server replied with error 'BADSIG'/);
        // 127.0.0.2 is this machine too, but not in the ACL.
        const elsewhere = dig("-b", "127.0.0.2", "-y", `hmac-sha256:${KEY}:${secret}`, ZONE, "AXFR");
        expect(elsewhere.stdout + elsewhere.stderr).not.toMatch(/IN\s+DNSKEY/);
        expect(elsewhere.stdout + elsewhere.stderr).toMatch(/server replied with error '(NOTAUTH|REFUSED|BADKEY)'/);
      });

      test("takes a changed zone file with the same serial, and serves a larger serial itself", async () => {
        const before = soaSerial();
        const changed = {
          ...zone,
          records: zone.records.map((r) =>
            r.fqdn === `${ZONE}.` && r.type === "TXT"
              ? { ...r, values: [{ kind: "text" as const, text: '"v=spf1 mx ~all"' }] }
              : r,
          ),
        };
        fs.writeFileSync(
          zoneFile,
          withSerial(
            renderZone(changed, { environment: "production", addresses: book, serving: serving(changed) }).template,
            2026010200,
          ),
        );
        const reload = runTool(knotc(), ["-c", conf, "zone-reload", ZONE]);
        expect(reload.status).toBe(0);
        await waitFor("the new serial", () => soaSerial() > before);
        expect(dig(ZONE, "TXT", "+short").stdout).toContain('"v=spf1 mx ~all"');
      });
    });
  });
});
