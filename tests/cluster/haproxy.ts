// Debian's HAProxy as the health-checked load balancer of the scale-out runner, the role
// a Kubernetes Service (storage) and an ingress (gateways) play in production: it sends
// traffic only to instances whose health check passes, and the runner takes an instance
// out before stopping it (`maint`, what endpoint removal plus preStop does in a rolling
// update) through HAProxy's runtime API on a unix socket. The config is generated per
// run into the run's own directory; the process is a child of the runner.
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import {
  startServerProcess,
  tcpOpen,
  waitFor,
  withOutput,
  type ServerProcess,
} from "@gifmesh/shared/testing";

export interface Backend {
  /** HAProxy's name for it, e.g. "g1". */
  readonly name: string;
  readonly port: number;
  /** HTTP mode: the port of its GET /readyz (the admin port); TCP mode: unused. */
  readonly checkPort?: number;
}

export interface LoadBalancerOptions {
  readonly name: string;
  /** "http": per request, health = GET /readyz on checkPort; "tcp": per connection, health = connect. */
  readonly mode: "http" | "tcp";
  readonly port: number;
  readonly backends: readonly Backend[];
  /** Where the config and the admin socket go. */
  readonly dir: string;
}

export interface LoadBalancer {
  readonly url: string;
  readonly port: number;
  /** Takes a backend out (no new requests or connections; those in flight finish). */
  drain(backend: string): Promise<void>;
  /** Puts it back; the health check decides when it gets traffic again. */
  enable(backend: string): Promise<void>;
  /** HAProxy's view: backend name → "UP", "DOWN", "MAINT", ... */
  status(): Promise<Record<string, string>>;
  /** Waits (bounded) until HAProxy reports the backend UP. */
  waitUp(backend: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function config(options: LoadBalancerOptions, socket: string): string {
  const http = options.mode === "http";
  const servers = options.backends.map((b) =>
    http
      ? `  server ${b.name} 127.0.0.1:${String(b.port)} check port ${String(b.checkPort ?? b.port)}`
      : `  server ${b.name} 127.0.0.1:${String(b.port)} check`,
  );
  return [
    "global",
    // State changes (a server DOWN or UP, and why) with a time, into the run's log.
    "  log stderr format iso local0 warning",
    `  stats socket ${socket} mode 600 level admin`,
    "  maxconn 4096",
    "defaults",
    "  log global",
    `  mode ${options.mode}`,
    "  timeout connect 2s",
    // As the chart's readiness probes (timeoutSeconds 3): a health answer slowed by a
    // busy machine is not a failed instance.
    "  timeout check 3s",
    // Longer than the traffic generator's 15 s deadline: HAProxy never answers 504 first.
    `  timeout client ${http ? "30s" : "10m"}`,
    `  timeout server ${http ? "30s" : "10m"}`,
    "  retries 3",
    "  option redispatch",
    ...(http
      ? [
          // A request that never reached a gateway (refused, or the connection closed
          // under it while the gateway shut down) is sent to the other one. Answers are
          // never replayed: a 503 from a gateway reaches the user and is counted.
          "  retry-on conn-failure empty-response",
          "  option httpchk GET /readyz",
          "  http-check expect status 200",
        ]
      : []),
    `frontend ${options.name}`,
    `  bind 127.0.0.1:${String(options.port)}`,
    `  default_backend ${options.name}-servers`,
    `backend ${options.name}-servers`,
    "  balance roundrobin",
    // Checked every second, out after 3 failures in a row (a stopped instance is out
    // within 3 s; the rolling restart takes instances out before stopping them).
    "  default-server inter 1s fall 3 rise 2",
    ...servers,
    "",
  ].join("\n");
}

/** One command on the runtime API; resolves with HAProxy's answer. */
function command(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const client = connect(socket, () => client.end(`${line}\n`));
    client.setTimeout(5_000, () => client.destroy(new Error(`haproxy: ${line}: no answer`)));
    client.on("data", (c: Buffer) => chunks.push(c));
    client.on("error", reject);
    client.on("close", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const socket = join(options.dir, `${options.name}.sock`);
  const file = join(options.dir, `${options.name}.cfg`);
  writeFileSync(file, config(options, socket));
  const proc: ServerProcess = startServerProcess(`haproxy-${options.name}`, "haproxy", [
    "-db",
    "-f",
    file,
  ]);
  try {
    await waitFor("haproxy listening", () => tcpOpen(options.port), {
      timeoutMs: 10_000,
      failFast: () => proc.exited(),
    });
  } catch (error) {
    await proc.stop({ signal: "SIGKILL" });
    throw withOutput(proc, error);
  }
  const backend = `${options.name}-servers`;
  const run = async (line: string) => {
    const answer = (await command(socket, line)).trim();
    if (answer !== "") throw new Error(`haproxy ${line}: ${answer}`);
  };
  const status = async (): Promise<Record<string, string>> => {
    // CSV of `show stat`: pxname,svname,...,status (column 18).
    const csv = await command(socket, "show stat");
    const result: Record<string, string> = {};
    for (const row of csv.split("\n")) {
      const cells = row.split(",");
      if (cells[0] === backend && cells[1] !== "BACKEND")
        result[cells[1] ?? "?"] = cells[17] ?? "?";
    }
    return result;
  };
  return {
    url: `http://127.0.0.1:${String(options.port)}`,
    port: options.port,
    drain: (name) => run(`set server ${backend}/${name} state maint`),
    enable: (name) => run(`set server ${backend}/${name} state ready`),
    status,
    async waitUp(name, timeoutMs = 30_000) {
      await waitFor(
        `haproxy ${options.name}: ${name} UP`,
        async () => (await status())[name]?.startsWith("UP") === true,
        { timeoutMs, intervalMs: 200 },
      );
    },
    close: () => proc.stop(),
  };
}
