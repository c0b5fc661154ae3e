// Timeouts of every HTTP/1.1 server gifmesh runs (gateway, admin ports, Giphy fixture),
// decided once. The rule: a server keeps an idle keep-alive connection open longer than
// any client of ours does, so it is always the client that closes an idle connection
// and no client ever sends a request on a socket the server is closing (which the
// client sees as `fetch failed ... read ECONNRESET`).
//
// Node's default (5 s) breaks the rule in two ways. Clients that ignore the
// `Keep-Alive: timeout=` hint keep idle sockets longer: Prometheus (Go) scrapes every
// 15 s, load balancers hold connections for 60 s. And undici (fetch), which does read
// the hint and closes 2 s early, still loses when the server's event loop stalls: the
// server's idle timer fires before it reads the request that the client already sent.
// 65 s covers a 60 s load balancer idle timeout; headers get a second more, as
// recommended when a proxy sits in front.
import type { ServerOptions } from "node:http";

/** How long a server keeps an idle keep-alive connection, in ms (advertised to clients). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Options for `http.createServer` (and `@hono/node-server`'s `serverOptions`). */
export const HTTP_SERVER_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1_000,
});
