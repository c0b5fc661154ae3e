// The faults gifmesh must ride out, (a) to (h), each injected while traffic runs. `allowed5xx`
// is what the design lets a user see during that fault (and the settling after it);
// any other 5xx fails the suite. `note` explains why those errors are expected.
import { setTimeout as sleep } from "node:timers/promises";
import type { Durations } from "./config.ts";
import type { FaultStack } from "./stack.ts";
import type { Traffic } from "./traffic.ts";
import type { TruthReader } from "./truth.ts";

/** Fresh pages (g) and (h) send at once; the run keeps them out of the phases' budget. */
const G_BURST_PAGES = 8;
const H_BURST_PAGES = 6;
/** Fresh pages a recovery probe may use (one every PROBE_INTERVAL_MS). */
const PROBE_PAGES = 40;
const PROBE_INTERVAL_MS = 500;
/** Storage must accept new searches again this soon after PostgreSQL returns. */
const RECOVERY_BOUND_MS = 10_000;
export const RESERVED_PAGES = 2 * G_BURST_PAGES + H_BURST_PAGES + PROBE_PAGES;

export interface FaultContext {
  readonly stack: FaultStack;
  readonly traffic: Traffic;
  readonly truth: TruthReader;
  readonly durations: Durations;
  /** Adds a line to the fault's evidence (printed under the table). */
  readonly note: (line: string) => void;
  /** Fails the fault's row with this reason (the run goes on). */
  readonly fail: (reason: string) => void;
}

export interface Fault {
  readonly id: string;
  readonly title: string;
  readonly allowed5xx: readonly string[];
  readonly why?: string;
  inject(ctx: FaultContext): Promise<void>;
}

/** A fault switch of the Giphy fixture (see services/giphy-fixture README). */
type FixtureFault = Readonly<Record<string, unknown>> & { readonly target?: "api" | "media" };

async function fixtureFault(ctx: FaultContext, fault: FixtureFault): Promise<void> {
  const url = fault.target === "media" ? ctx.stack.mediaUrl : ctx.stack.fixtureUrl;
  await fetch(`${url}/__fixture/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
}

/**
 * After a dependency came back: fresh searches (pages nobody asked, so storage must
 * record them) until one succeeds. Fails the row if none does within `boundMs`.
 */
async function expectRecovery(ctx: FaultContext, what: string, boundMs: number): Promise<void> {
  const t0 = Date.now();
  for (let probes = 1; probes <= PROBE_PAGES; probes += 1) {
    // Measured to when the successful probe was SENT: how long the answer took (a
    // fresh page goes to Giphy) is not the time storage needed to recover.
    const sentMs = Date.now() - t0;
    const status = await ctx.traffic.probeFresh();
    if (status === "200") {
      ctx.note(
        `new searches accepted again ${String(sentMs)} ms after ${what} (probe ${String(probes)}, answered in ${String(Date.now() - t0 - sentMs)} ms)`,
      );
      if (sentMs > boundMs)
        ctx.fail(`storage took ${String(sentMs)} ms to accept new searches after ${what}`);
      return;
    }
    if (Date.now() - t0 > boundMs) break;
    await sleep(PROBE_INTERVAL_MS);
  }
  ctx.fail(`storage accepted no new search within ${String(boundMs)} ms after ${what}`);
}

async function unsentOutbox(ctx: FaultContext): Promise<number> {
  const [row] = await ctx.truth.query<{ n: string }>(
    "select count(*) as n from outbox where sent_at is null",
  );
  return Number(row?.n ?? 0);
}

/** Archive requests a worker finished (its /metrics). */
export async function workerProcessed(adminUrl: string): Promise<number> {
  const text = await fetch(`${adminUrl}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  let sum = 0;
  for (const m of text.matchAll(/^gifmesh_archive_processed_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm))
    sum += Number(m[1]);
  return sum;
}

/**
 * Storage stopped while its relay publishes: a burst of fresh searches writes a batch
 * of outbox rows, and the signal goes out the moment unsent rows are seen.
 */
async function restartStorage(ctx: FaultContext, signal: NodeJS.Signals): Promise<void> {
  const burst = ctx.traffic.burst(G_BURST_PAGES);
  const deadline = Date.now() + 5_000;
  let unsent = 0;
  while (unsent === 0 && Date.now() < deadline) {
    unsent = await unsentOutbox(ctx);
    if (unsent === 0) await sleep(5);
  }
  await ctx.stack.storage.stop(signal);
  await burst;
  const after = await unsentOutbox(ctx);
  ctx.note(
    `storage ${signal}: ${String(unsent)} outbox rows unsent when signalled, ${String(after)} while down`,
  );
  await ctx.stack.storage.start();
}

/** A private server of the stack, as an outage needs it. */
interface Stoppable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function buildFaults(d: Durations): Fault[] {
  const s = (ms: number) => `${String(Math.round(ms / 1000))} s`;
  /** `server` stopped for `ms`, then started again; no 5xx is allowed meanwhile. */
  const stoppedFor = (
    id: string,
    name: string,
    server: (stack: FaultStack) => Stoppable,
    ms: number,
  ): Fault => ({
    id,
    title: `${name} stopped ${s(ms)}`,
    allowed5xx: [],
    async inject({ stack }) {
      await server(stack).stop();
      await sleep(ms);
      await server(stack).start();
    },
  });
  return [
    stoppedFor("a", "Kafka", (stack) => stack.kafka, d.longOutageMs),
    {
      id: "b",
      title: `file-worker SIGKILL x${String(d.workerKills)}`,
      allowed5xx: [],
      async inject({ stack, note }) {
        for (let i = 0; i < d.workerKills; i += 1) {
          await sleep(4_000);
          const done = await workerProcessed(stack.workers[0].adminUrl);
          await stack.workers[0].stop("SIGKILL");
          note(`worker-1 SIGKILL #${String(i + 1)} after ${String(done)} processed`);
          await sleep(1_000);
          await stack.workers[0].start();
        }
      },
    },
    stoppedFor("c", "S3", (stack) => stack.s3, d.longOutageMs),
    {
      id: "d",
      title: `PostgreSQL stopped ${s(d.shortOutageMs)}`,
      allowed5xx: ["503", "504"],
      why:
        "503 STORAGE.UNAVAILABLE (or 504 STORAGE.TIMEOUT) for searches that are in neither " +
        "cache level: storage cannot read or record results without PostgreSQL and has " +
        "nothing stale to serve. Cached and stale pages are still served.",
      async inject(ctx) {
        await ctx.stack.postgres.stop({ mode: "fast" });
        await sleep(d.shortOutageMs);
        await ctx.stack.postgres.start();
        await expectRecovery(ctx, "PostgreSQL returned", RECOVERY_BOUND_MS);
      },
    },
    {
      id: "e",
      title: `Redis stopped ${s(d.shortOutageMs)}`,
      allowed5xx: [],
      async inject(ctx) {
        await ctx.stack.redis.stop();
        await sleep(d.shortOutageMs);
        // Still down: storage must keep accepting new searches without Redis.
        // (bound 0: the very first probe must succeed)
        await expectRecovery(ctx, `Redis was stopped ${s(d.shortOutageMs)} ago`, 0);
        await ctx.stack.redis.start();
      },
    },
    {
      id: "f",
      title: "Giphy 429, 5xx, slow, malformed",
      allowed5xx: ["503", "504"],
      why:
        "Giphy failing with nothing stored for that page: 429 STORAGE.RESOURCE_EXHAUSTED for " +
        "429, 503 STORAGE.UNAVAILABLE for 5xx/malformed/open breaker, 504 when slow answers " +
        "outlast the gateway's deadline.",
      async inject(ctx) {
        const faults: FixtureFault[] = [
          { status: 429 },
          { status: 503 },
          { status: 500 },
          { latencyMs: 4_000 },
          { malformed: true },
          { status: 503, target: "media", count: 15 },
        ];
        for (const fault of faults) {
          await fixtureFault(ctx, fault);
          await sleep(d.fixtureFaultMs);
        }
        // Both fixtures: a media fault's count left over would fail downloads in (g).
        for (const url of [ctx.stack.fixtureUrl, ctx.stack.mediaUrl])
          await fetch(`${url}/__fixture/faults`, { method: "DELETE" });
      },
    },
    {
      id: "g",
      title: "storage restarted while publishing",
      allowed5xx: ["503", "504"],
      why: "uncached searches during the seconds storage is down: 503 STORAGE.UNAVAILABLE.",
      async inject(ctx) {
        await restartStorage(ctx, "SIGKILL");
        await sleep(3_000);
        await restartStorage(ctx, "SIGTERM");
      },
    },
    {
      id: "h",
      title: "2nd file-worker joins, then leaves",
      allowed5xx: [],
      async inject({ stack, traffic, note }) {
        await stack.workers[1].start();
        // New archive work while both workers share the partitions.
        await sleep(3_000);
        await traffic.burst(H_BURST_PAGES);
        await sleep(Math.max(0, d.secondWorkerMs - 3_000));
        const second = await workerProcessed(stack.workers[1].adminUrl);
        await stack.workers[1].stop("SIGTERM");
        note(`worker-2 processed ${String(second)} messages while in the group`);
      },
    },
  ];
}
