// The faults of the scale-out proof, each injected under the steady search load and
// shaped like the fault suite's (tests/faults/faults.ts) so that its report prints
// them: broker loss (the requested topic's leader SIGKILLed, a broker SIGSTOPped), a
// rolling restart of every service one instance at a time, single links cut
// (storage-1 ↔ Kafka, file-worker-1 ↔ S3 mid-upload), the brokers restarted one at a
// time, and gateway-1 ↔ Redis cut. `allowed5xx` is empty for every one: each has a
// second instance or a replica to fall back on.
import { setTimeout as sleep } from "node:timers/promises";
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { workerProcessed, type Fault, type FaultContext } from "../faults/faults.ts";
import type { LoadBalancer } from "./haproxy.ts";
import type { ClusterStack } from "./stack.ts";
import type { Service } from "../faults/stack.ts";
import type { Truth } from "../faults/truth.ts";

export interface ClusterDurations {
  /** Broker SIGKILLed this long before it is started again. */
  readonly brokerDownMs: number;
  /** SIGSTOP → SIGCONT. */
  readonly brokerPauseMs: number;
  /** storage-1 cut off from Kafka. */
  readonly storageKafkaCutMs: number;
  /** file-worker-1 cut off from S3, and gateway-1 from Redis. */
  readonly linkCutMs: number;
  /** Bound on a broker's controlled shutdown (SIGTERM) in the rolling broker restart. */
  readonly brokerStopTimeoutMs: number;
  /** Bound on the cluster getting every replica back in sync after a broker fault. */
  readonly resyncTimeoutMs: number;
}

export interface ClusterContext extends FaultContext {
  readonly stack: ClusterStack;
  /**
   * Runs `check` once the system settled after this fault, before its row is made, with
   * the truth then and after the previous fault settled (nothing in flight at either).
   */
  readonly afterSettle: (check: (settled: Truth, previous: Truth | undefined) => void) => void;
}

/** A fault whose injection needs the cluster stack; a Fault for the report. */
export interface ClusterFault extends Fault {
  inject(ctx: ClusterContext): Promise<void>;
}

const TOPICS = Object.values(ARCHIVE_TOPICS);
/** Fresh pages the link faults send at once, so archive work is in flight when a link goes. */
const BURST_PAGES = 6;
export const RESERVED_PAGES = 3 * BURST_PAGES;
/** In-flight requests get this long to finish once their instance left its load balancer. */
const DRAIN_MS = 1_500;

const s = (ms: number) => `${String(Math.round(ms / 1000))} s`;

async function outboxRows(ctx: ClusterContext): Promise<{ rows: number; unsent: number }> {
  const [row] = await ctx.truth.query<{ rows: string; unsent: string }>(
    "select count(*) as rows, count(*) filter (where sent_at is null) as unsent from outbox",
  );
  return { rows: Number(row?.rows ?? 0), unsent: Number(row?.unsent ?? 0) };
}

/** After a broker fault: every partition fully replicated again, or the row fails. */
async function resync(ctx: ClusterContext, d: ClusterDurations): Promise<void> {
  try {
    const ms = await ctx.stack.cluster.waitInSync(TOPICS, d.resyncTimeoutMs);
    ctx.note(
      `every partition back to 3 in-sync replicas ${String(ms)} ms after the broker returned`,
    );
  } catch {
    ctx.fail(`replicas not all in sync within ${s(d.resyncTimeoutMs)} after the broker returned`);
  }
}

/** The broker leading partition 0 of the requested topic. */
async function requestedLeader(ctx: ClusterContext): Promise<number> {
  const layout = await ctx.stack.cluster.layout([ARCHIVE_TOPICS.requested]);
  const leader = layout.find((p) => p.partition === 0)?.leader ?? -1;
  if (leader < 1) throw new Error(`no leader for ${ARCHIVE_TOPICS.requested}-0`);
  const led = layout.filter((p) => p.leader === leader).length;
  ctx.note(
    `broker ${String(leader)} leads ${String(led)} of ${String(layout.length)} requested partitions`,
  );
  return leader;
}

/**
 * One instance out of rotation and back, as a rolling update does: out of its load
 * balancer first (endpoint removal), SIGTERM after the in-flight requests finished,
 * started again, back in only once its health check passes.
 */
async function rollOne(
  service: Service,
  lb: { readonly balancer: LoadBalancer; readonly backend: string } | undefined,
): Promise<void> {
  if (lb !== undefined) {
    await lb.balancer.drain(lb.backend);
    await sleep(DRAIN_MS);
  }
  await service.stop("SIGTERM");
  await service.start();
  if (lb !== undefined) {
    await lb.balancer.enable(lb.backend);
    await lb.balancer.waitUp(lb.backend);
  }
}

export function buildClusterFaults(d: ClusterDurations): ClusterFault[] {
  return [
    {
      id: "k",
      title: `requested-topic leader SIGKILL, ${s(d.brokerDownMs)} down`,
      allowed5xx: [],
      async inject(ctx) {
        const leader = await requestedLeader(ctx);
        await ctx.stack.cluster.signal(leader, "SIGKILL");
        await sleep(d.brokerDownMs);
        const after = await ctx.stack.cluster.layout([ARCHIVE_TOPICS.requested]);
        ctx.note(
          `while broker ${String(leader)} was down: requested-0 led by ${String(after.find((p) => p.partition === 0)?.leader)}, ` +
            `ISR sizes ${after.map((p) => String(p.isr.length)).join(",")}`,
        );
        await ctx.stack.cluster.start(leader);
        await resync(ctx, d);
      },
    },
    {
      id: "p",
      title: `broker SIGSTOP ${s(d.brokerPauseMs)}`,
      allowed5xx: [],
      async inject(ctx) {
        // A broker other than the one just killed, so a different one is tested.
        const leader = await requestedLeader(ctx);
        const paused = (leader % 3) + 1;
        ctx.note(`paused broker ${String(paused)}`);
        await ctx.stack.cluster.signal(paused, "SIGSTOP");
        try {
          await sleep(d.brokerPauseMs);
        } finally {
          await ctx.stack.cluster.signal(paused, "SIGCONT");
        }
        await resync(ctx, d);
      },
    },
    {
      id: "r",
      title: "rolling restart: 2 storage, 2 workers, 2 gateways, one at a time",
      allowed5xx: [],
      async inject(ctx) {
        const { stack } = ctx;
        const steps: [string, Service, Parameters<typeof rollOne>[1]][] = [
          ["storage-1", stack.storages[0], { balancer: stack.storageLb, backend: "s1" }],
          ["storage-2", stack.storages[1], { balancer: stack.storageLb, backend: "s2" }],
          ["file-worker-1", stack.workers[0], undefined],
          ["file-worker-2", stack.workers[1], undefined],
          ["gateway-1", stack.gateways[0], { balancer: stack.gatewayLb, backend: "g1" }],
          ["gateway-2", stack.gateways[1], { balancer: stack.gatewayLb, backend: "g2" }],
        ];
        for (const [name, service, lb] of steps) {
          const t0 = Date.now();
          await rollOne(service, lb);
          ctx.note(`${name} restarted and back in ${String(Date.now() - t0)} ms`);
        }
      },
    },
    {
      id: "s",
      title: `storage-1 cut off from Kafka ${s(d.storageKafkaCutMs)}`,
      allowed5xx: [],
      async inject(ctx) {
        const { stack } = ctx;
        const before = await outboxRows(ctx);
        const burst = ctx.traffic.burst(BURST_PAGES);
        for (const link of stack.links.storageKafka) await link.cut();
        await burst;
        await sleep(d.storageKafkaCutMs);
        const during = await outboxRows(ctx);
        for (const link of stack.links.storageKafka) await link.restore();
        ctx.note(
          `during the cut: ${String(during.rows - before.rows)} new outbox rows, ${String(during.unsent)} unsent at its end ` +
            "(the other storage relays the rest)",
        );
        // Each new outbox row published once: a second copy would be a relay publishing
        // twice (both storages, or storage-1 again after its rollback). Compared between
        // two settled states, when every row is sent and nothing is in flight.
        ctx.afterSettle((after, previous) => {
          const rows = after.outboxRows - (previous?.outboxRows ?? 0);
          const messages =
            (after.topicMessages[ARCHIVE_TOPICS.requested] ?? 0) -
            (previous?.topicMessages[ARCHIVE_TOPICS.requested] ?? 0);
          ctx.note(
            `${String(messages)} requested messages published for ${String(rows)} new outbox rows`,
          );
          if (messages > rows)
            ctx.fail(`${String(messages - rows)} requested messages published twice`);
        });
      },
    },
    {
      id: "w",
      title: `file-worker-1 cut off from S3 mid-upload ${s(d.linkCutMs)}`,
      allowed5xx: [],
      async inject(ctx) {
        const link = ctx.stack.links.workerS3;
        const worker = ctx.stack.workers[0].adminUrl;
        const seen = { connections: link.accepted, processed: await workerProcessed(worker) };
        const burst = ctx.traffic.burst(BURST_PAGES);
        // Cut the moment worker-1 is archiving this burst (a new S3 connection, or its
        // first message of it done while the others are still downloading or
        // uploading), or after 10 s of waiting for that.
        const deadline = Date.now() + 10_000;
        let busy = false;
        while (!busy && Date.now() < deadline) {
          busy =
            link.accepted > seen.connections || (await workerProcessed(worker)) > seen.processed;
          if (!busy) await sleep(20);
        }
        await link.cut();
        ctx.note(
          busy
            ? "cut while worker-1 archived the burst"
            : "cut after 10 s without worker-1 archiving anything of the burst",
        );
        await burst;
        await sleep(d.linkCutMs);
        await link.restore();
      },
    },
    {
      id: "b",
      title: "rolling restart of the 3 brokers, one at a time",
      allowed5xx: [],
      async inject(ctx) {
        // As a broker upgrade does it: controlled shutdown, start, and the next broker only
        // once every partition has all its replicas in sync again (min ISR 2 of 3 then
        // always holds while one broker is away).
        for (let broker = 1; broker <= ctx.stack.cluster.brokers.length; broker += 1) {
          const t0 = Date.now();
          await ctx.stack.cluster.stop(broker, d.brokerStopTimeoutMs);
          const stoppedMs = Date.now() - t0;
          await ctx.stack.cluster.start(broker);
          await ctx.stack.cluster.waitInSync(TOPICS, d.resyncTimeoutMs).catch(() => {
            throw new Error(
              `replicas not all in sync within ${s(d.resyncTimeoutMs)} after broker ${String(broker)} returned`,
            );
          });
          ctx.note(
            `broker ${String(broker)}: controlled shutdown in ${String(stoppedMs)} ms, ` +
              `back and every partition in sync ${String(Date.now() - t0)} ms after the SIGTERM`,
          );
        }
      },
    },
    {
      id: "g",
      title: `gateway-1 cut off from Redis ${s(d.linkCutMs)}`,
      allowed5xx: [],
      async inject(ctx) {
        await ctx.stack.links.gatewayRedis.cut();
        await sleep(d.linkCutMs);
        const status = await ctx.stack.gatewayLb.status();
        ctx.note(`HAProxy's view at the end of the cut: ${JSON.stringify(status)}`);
        await ctx.stack.links.gatewayRedis.restore();
      },
    },
  ];
}
