/**
 * Closing a node:http server at once: its open connections (keep-alive ones
 * included) are dropped, and the promise settles when the server has stopped.
 * Pure node; the simulator's server and test servers that stand in for it
 * close this way.
 */
import type { Server } from "node:http";

/** Drops every connection of `server` and resolves once it has stopped listening. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
