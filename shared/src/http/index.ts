// Public face of @gifmesh/shared/http: how every gifmesh HTTP/1.1 server is set up and closed.
export { HTTP_SERVER_OPTIONS, KEEP_ALIVE_TIMEOUT_MS } from "./server-options.ts";
export { closeServer, type CloseServerOptions } from "./close-server.ts";
