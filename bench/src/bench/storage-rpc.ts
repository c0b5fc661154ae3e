// Storage GetGif over gRPC vs a no-op Connect handler on the same server setup
// (node:http2 h2c + connectNodeAdapter) returning storage's own answer as a constant.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { GetGifResponseSchema, StorageService } from "@gifmesh/shared/contracts";
import { startBaseline } from "../lib/baseline.ts";
import { runForJson, type Child } from "../lib/proc.ts";
import { setTimeout as sleep } from "node:timers/promises";

export interface RpcFigures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly requests: number;
}

export interface StorageRpcResult {
  readonly gifId: string;
  readonly responseBytes: number;
  readonly storage: RpcFigures;
  readonly noop: RpcFigures;
}

async function waitRpc(url: string, id: string, child: Child): Promise<void> {
  const client = createClient(StorageService, createGrpcTransport({ baseUrl: url }));
  for (let i = 0; i < 100; i++) {
    const ok = await client.getGif({ id }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    if (child.process.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error("no-op RPC server did not answer");
}

export async function runStorageRpc(options: {
  root: string;
  logDir: string;
  storageUrl: string;
  gifId: string;
  concurrency: number;
  durationS: number;
}): Promise<StorageRpcResult> {
  const client = createClient(StorageService, createGrpcTransport({ baseUrl: options.storageUrl }));
  const response = await client.getGif({ id: options.gifId });
  const bytes = toBinary(GetGifResponseSchema, response);
  const file = join(options.logDir, "rpc-response.b64");
  writeFileSync(file, Buffer.from(bytes).toString("base64"));
  const { url: noopUrl, child: noop } = await startBaseline({
    root: options.root,
    logDir: options.logDir,
    server: "noop-rpc.ts",
    env: { BENCH_RPC_RESPONSE: file },
  });
  const load = (url: string) =>
    runForJson<RpcFigures>(
      process.execPath,
      [join(options.root, "bench/src/clients/grpc-load.ts")],
      {
        BENCH_URL: url,
        BENCH_GIF_ID: options.gifId,
        BENCH_CONCURRENCY: String(options.concurrency),
        BENCH_DURATION_S: String(options.durationS),
      },
    );
  try {
    await waitRpc(noopUrl, options.gifId, noop);
    const noopFigures = await load(noopUrl);
    const storage = await load(options.storageUrl);
    return { gifId: options.gifId, responseBytes: bytes.length, storage, noop: noopFigures };
  } finally {
    await noop.stop();
  }
}
