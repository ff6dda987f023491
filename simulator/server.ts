/**
 * The simulated Hetzner Cloud as an HTTP server on loopback.
 *
 * One port serves both APIs the hcloud provider calls: the Cloud API under
 * `/v1` (HCLOUD_ENDPOINT) and the Hetzner API under `/hetzner/v1`
 * (HETZNER_ENDPOINT: storage boxes and their subaccounts). Every request needs
 * a bearer token (any value: nothing is checked against an account); state is
 * in memory and ends with the process.
 *
 * Imports: node, ../primitives, ./core, ./resources. Entry point: {@link startSimulator}.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeHttpServer } from "../primitives/http-server";
import { ApiError, type Api, Sim, errorResponse } from "./core";
import { registerAll } from "./resources";

export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to listen on; anything else is refused. @default "127.0.0.1" */
  readonly host?: "127.0.0.1" | "::1" | "localhost";
  /** Actions finish as they are created (see Sim.instantActions). @default false */
  readonly instantActions?: boolean;
  /** Where a line goes for each route the simulator lacks. @default stderr */
  readonly warn?: (line: string) => void;
}

export interface RunningSimulator {
  readonly sim: Sim;
  /** Base URL of the Cloud API, for HCLOUD_ENDPOINT. */
  readonly cloudUrl: string;
  /** Base URL of the Hetzner API, for HETZNER_ENDPOINT. */
  readonly hetznerUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const PREFIXES: readonly [string, Api][] = [
  ["/hetzner/v1", "hetzner"],
  ["/v1", "cloud"],
];

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) {
    throw new Error(`the simulator listens on loopback only (127.0.0.1 or ::1), not on ${host}`);
  }
  const sim = new Sim();
  if (options.warn) sim.warn = options.warn;
  sim.instantActions = options.instantActions ?? false;
  registerAll(sim);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = (status: number, body: unknown): void => {
        if (status === 204 || body === null) {
          res.writeHead(status === 200 ? 204 : status);
          res.end();
          return;
        }
        const text = JSON.stringify(body);
        res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      };
      try {
        const url = new URL(req.url ?? "/", "http://simulator");
        const prefix = PREFIXES.find(([p]) => url.pathname === p || url.pathname.startsWith(`${p}/`));
        if (!prefix) {
          const e = errorResponse(new ApiError(404, "not_found", `no API at ${url.pathname}; use /v1 or /hetzner/v1`));
          answer(e.status, e.body);
          return;
        }
        if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) {
          const e = errorResponse(new ApiError(401, "unauthorized", "unable to authenticate"));
          answer(e.status, e.body);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: Record<string, any> = {};
        if (raw.trim() !== "") {
          try {
            body = JSON.parse(raw);
          } catch {
            const e = errorResponse(new ApiError(400, "json_error", "the request body is not valid JSON"));
            answer(e.status, e.body);
            return;
          }
        }
        const path = url.pathname.slice(prefix[0].length) || "/";
        const r = sim.handle(prefix[1], req.method ?? "GET", path, url.searchParams, body);
        answer(r.status, r.body);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        sim.warn(`simulator: internal error on ${req.method} ${req.url}: ${msg}`);
        const err = errorResponse(new ApiError(500, "server_error", `simulator error: ${msg}`));
        answer(err.status, err.body);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = host === "::1" ? `http://[::1]:${port}` : `http://${host}:${port}`;
  return {
    sim,
    port,
    cloudUrl: `${base}/v1`,
    hetznerUrl: `${base}/hetzner/v1`,
    close: () => closeHttpServer(server),
  };
}
