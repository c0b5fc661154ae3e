// A private S3 server (versitygw from .cache/bin, posix backend) for outage tests,
// on a free port with its own temp data dir; never the shared one on :9000. The
// sidecar metadata dir works on any filesystem (up.sh only needs it without xattrs).
// Top-level directories are buckets, so `buckets` are created before the start.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";
import { startPrivateServer, untilListening, type PrivateServerLife } from "./private-server.ts";
import { CACHE_DIR, startServerProcess } from "./server-process.ts";

export interface PrivateS3Options {
  /** Default gifmesh / gifmesh-secret, like scripts/infra/env.sh. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly region?: string;
  /** Buckets that exist from the start. */
  readonly buckets?: readonly string[];
}

export interface PrivateS3 extends PrivateServerLife {
  /** http://127.0.0.1:<port>; clients need forcePathStyle. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Starts versitygw on a free port (objects survive restart, not close). */
export async function startPrivateS3(options: PrivateS3Options = {}): Promise<PrivateS3> {
  const port = await freePort();
  const base = mkdtempSync(join(tmpdir(), "gifmesh-s3-"));
  const root = join(base, "data");
  const sidecar = join(base, "meta");
  mkdirSync(sidecar, { recursive: true });
  for (const bucket of options.buckets ?? []) mkdirSync(join(root, bucket), { recursive: true });
  mkdirSync(root, { recursive: true });
  const accessKeyId = options.accessKeyId ?? "gifmesh";
  const secretAccessKey = options.secretAccessKey ?? "gifmesh-secret";
  const region = options.region ?? "us-east-1";
  const args = [
    ["--port", `127.0.0.1:${port}`],
    ["--region", region],
    ["--quiet", "posix"],
    ["--sidecar", sidecar, root],
  ].flat();
  return startPrivateServer(
    { endpoint: `http://127.0.0.1:${port}`, port, region, accessKeyId, secretAccessKey },
    {
      launch: () =>
        untilListening(
          startServerProcess("versitygw", join(CACHE_DIR, "bin/versitygw"), args, {
            env: { ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
          }),
          port,
        ),
      graceMs: 10_000,
      dataDir: base,
    },
  );
}
