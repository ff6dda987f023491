/**
 * `npm run sim -- [--port N] [--host 127.0.0.1|::1]`: the simulated Hetzner
 * Cloud on its own, until interrupted. Prints its two base URLs as the
 * variables the hcloud provider reads.
 */
import { startSimulator } from "./server";

const USAGE = "usage: npm run sim -- [--port N] [--host 127.0.0.1|::1]";

async function main(argv: string[]): Promise<number> {
  let port = 0;
  let host: "127.0.0.1" | "::1" = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      console.log(`${USAGE}\n\nA local Hetzner Cloud API (and Hetzner API for storage boxes) on loopback, state in memory.\nSee docs/rehearsal.md.`);
      return 0;
    }
    const value = argv[i + 1];
    if (a === "--port") {
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
        console.error(`sim: --port needs a number from 0 to 65535, got ${value === undefined ? "nothing" : JSON.stringify(value)}\n${USAGE}`);
        return 2;
      }
      port = Number(value);
      i++;
    } else if (a === "--host") {
      if (value !== "127.0.0.1" && value !== "::1") {
        console.error(`sim: --host must be 127.0.0.1 or ::1 (loopback only), got ${value === undefined ? "nothing" : JSON.stringify(value)}\n${USAGE}`);
        return 2;
      }
      host = value;
      i++;
    } else {
      console.error(`sim: unknown argument ${JSON.stringify(a)}\n${USAGE}`);
      return 2;
    }
  }
  const s = await startSimulator({ port, host });
  console.log(`export HCLOUD_ENDPOINT=${s.cloudUrl}`);
  console.log(`export HETZNER_ENDPOINT=${s.hetznerUrl}`);
  console.log("# any 64-character token is accepted; interrupt (Ctrl-C) to stop");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await s.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
