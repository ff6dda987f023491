/**
 * Stopping a local HTTP server at once: open keep-alive connections are
 * dropped rather than waited for (tests and simulators start and stop many).
 */
import type { Server } from "node:http";

/** Closes `server` and every connection it still holds; resolves once it no longer listens. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
