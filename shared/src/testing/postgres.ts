// A private PostgreSQL cluster for outage tests (stop it for real while services
// use it), never the shared one on :5432. Same binaries and approach as
// scripts/infra/up.sh: initdb and pg_ctl run as the `postgres` OS user through
// runuser (PostgreSQL refuses to run as root), on a free port with its own temp
// data dir, trust auth on loopback. Restart keeps the data dir and the port.
// With `tls` it serves TLS (ssl=on) with the given certificate, for verify-full tests.
// Its files go with it: on close(), at the end of the test file even if the test
// never got to close() (cleanup.ts), when initdb or the first start fails, and
// when the test process exits first.
import { execFile, execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deferCleanup } from "./cleanup.ts";
import { freePort, tcpOpen } from "./ports.ts";
import { testLogDir } from "./server-process.ts";

const run = promisify(execFile);

export interface PrivatePostgresOptions {
  /** Database created at start (owned by `postgres`); default "gifmesh". */
  readonly database?: string;
  /**
   * Serve TLS with this certificate and key (PEM files, copied into the cluster's
   * dir for the postgres user). Plain connections are still accepted.
   */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Loopback addresses to listen on; default ["127.0.0.1"] (also the address of `url`). */
  readonly listenAddresses?: readonly string[];
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** pg_ctl stop: "fast" (default, like a controlled shutdown) or "immediate" (a crash). */
  stop(options?: { mode?: "fast" | "immediate" }): Promise<void>;
  restart(): Promise<void>;
  /** The server's log tail (for failure messages). */
  output(): Promise<string>;
  /** Stops it and deletes its data dir. */
  close(): Promise<void>;
}

/** PostgreSQL's bin dir: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin (Debian). */
function pgBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    throw new Error("PostgreSQL binaries not found; run scripts/infra/install.sh or set PG_BIN");
  return join(root, newest, "bin");
}

const live = new Set<string>();
/** Base dirs of the clusters not closed yet, running or not. */
const bases = new Set<string>();
let exitHookInstalled = false;
/** A crashed or interrupted test must not leave a postmaster or its files behind. */
function stopAllOnExit(bin: string): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const dir of live) {
      try {
        execFileSync("runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), "stop", "-D", dir], {
          stdio: "ignore",
          timeout: 10_000,
        });
      } catch {
        // best effort on exit
      }
    }
    for (const base of bases) rmSync(base, { recursive: true, force: true, maxRetries: 3 });
  });
}

/** initdb + pg_ctl start on a free port; creates `options.database`. */
export async function startPrivatePostgres(
  options: PrivatePostgresOptions = {},
): Promise<PrivatePostgres> {
  const bin = pgBin();
  const port = await freePort();
  const database = options.database ?? "gifmesh";
  const base = mkdtempSync(join(tmpdir(), "gifmesh-pg-"));
  bases.add(base);
  stopAllOnExit(bin);
  const dataDir = join(base, "data");
  const socketDir = join(base, "sock");
  // Under GIFMESH_TEST_LOG_DIR the server log outlives the data dir (see server-process.ts).
  const logDir = testLogDir();
  const log =
    logDir === undefined
      ? join(base, "postgres.log")
      : join(logDir, `postgres-${String(port)}.log`);
  const asPostgres = (tool: string, args: readonly string[]) =>
    run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { timeout: 120_000 });
  let running = false;
  const tlsFiles = { cert: join(base, "server.crt"), key: join(base, "server.key") };
  const tlsSettings =
    options.tls === undefined
      ? ""
      : ` -c ssl=on -c ssl_cert_file=${tlsFiles.cert} -c ssl_key_file=${tlsFiles.key}`;
  const listen = (options.listenAddresses ?? ["127.0.0.1"]).join(",");

  async function start(): Promise<void> {
    if (running) return;
    await asPostgres("pg_ctl", [
      "start",
      "-D",
      dataDir,
      "-l",
      log,
      "-w",
      "-t",
      "60",
      "-s",
      "-o",
      `-c listen_addresses=${listen} -p ${String(port)} -c unix_socket_directories=${socketDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${tlsSettings}`,
    ]);
    live.add(dataDir);
    running = true;
    if (!(await tcpOpen(port))) throw new Error(`private postgres not listening on ${port}`);
  }

  async function stop(stopOptions: { mode?: "fast" | "immediate" } = {}): Promise<void> {
    if (!running) return;
    await asPostgres("pg_ctl", ["stop", "-D", dataDir, "-m", stopOptions.mode ?? "fast", "-w"]);
    running = false;
    live.delete(dataDir);
  }

  async function close(): Promise<void> {
    await stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
    bases.delete(base);
  }

  try {
    mkdirSync(socketDir);
    chownSync(base, uidOf("postgres"), gidOf("postgres"));
    chownSync(socketDir, uidOf("postgres"), gidOf("postgres"));
    if (logDir !== undefined) mkdirSync(logDir, { recursive: true });
    // pg_ctl writes the log as the postgres user.
    writeFileSync(log, "", { flag: "a" });
    chownSync(log, uidOf("postgres"), gidOf("postgres"));
    if (options.tls !== undefined) {
      // PostgreSQL refuses a key that others can read, or that it does not own.
      copyFileSync(options.tls.certFile, tlsFiles.cert);
      copyFileSync(options.tls.keyFile, tlsFiles.key);
      chmodSync(tlsFiles.key, 0o600);
      for (const file of [tlsFiles.cert, tlsFiles.key])
        chownSync(file, uidOf("postgres"), gidOf("postgres"));
    }
    await asPostgres("initdb", [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
      "--auth=trust",
      "--no-sync",
    ]);
    await start();
    await asPostgres("createdb", ["-h", socketDir, "-p", String(port), "-U", "postgres", database]);
  } catch (error) {
    await close();
    throw error;
  }
  const closeOnce = deferCleanup(`private postgres (${base})`, close);
  return {
    url: `postgres://postgres@127.0.0.1:${String(port)}/${database}`,
    port,
    dataDir,
    get running() {
      return running;
    },
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async output() {
      const { stdout } = await run("tail", ["-n", "50", log]).catch(() => ({ stdout: "" }));
      return stdout;
    },
    close: closeOnce,
  };
}

function idOf(flag: "-u" | "-g", user: string): number {
  return Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
}
const uidOf = (user: string) => idOf("-u", user);
const gidOf = (user: string) => idOf("-g", user);
