// Baseline of the storage RPC benchmark: the same server setup as storage
// (node:http2 h2c + connectNodeAdapter, StorageService routes), but GetGif returns
// a constant: the very response storage gave for the same id (BENCH_RPC_RESPONSE,
// base64 Protobuf), so serialisation costs the same and only storage's work differs.
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { GetGifResponseSchema, StorageService } from "@gifmesh/shared/contracts";

const constant = fromBinary(
  GetGifResponseSchema,
  Buffer.from(readFileSync(process.env.BENCH_RPC_RESPONSE ?? "", "utf8"), "base64"),
);
const routes = (router: ConnectRouter): void => {
  router.service(StorageService, { getGif: () => constant });
};
const server = http2.createServer(connectNodeAdapter({ routes }));
server.listen(Number(process.env.BENCH_PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`noop rpc on ${JSON.stringify(server.address())}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  process.exit(0);
});
