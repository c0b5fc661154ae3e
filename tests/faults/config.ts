// The suite's knobs, from the environment, so a quick mode can run shorter outages
// (FAULTS_QUICK=1) and any single duration can be changed for an investigation.
// Full mode: Kafka and S3 down 30 s, PostgreSQL and Redis 15 s.

import { envNumber } from "./run-support.ts";

export interface Durations {
  /** Outage of Kafka (a) and S3 (c). */
  readonly longOutageMs: number;
  /** Outage of PostgreSQL (d) and Redis (e). */
  readonly shortOutageMs: number;
  /** How many times the file worker is SIGKILLed in (b). */
  readonly workerKills: number;
  /** Time each Giphy fault of (f) stays on. */
  readonly fixtureFaultMs: number;
  /** How long the second worker stays in the group in (h). */
  readonly secondWorkerMs: number;
  /** Traffic before the first fault. */
  readonly warmupMs: number;
  /** Bound on waiting for the system to settle after a fault. */
  readonly settleTimeoutMs: number;
  /** Searches per second the traffic generator aims at, and its concurrency. */
  readonly rate: number;
  readonly concurrency: number;
  /** GIFs in the fixture's catalogue. */
  readonly catalogueSize: number;
}

export function loadDurations(): Durations {
  const quick = process.env.FAULTS_QUICK === "1";
  return {
    longOutageMs: envNumber("FAULTS_LONG_OUTAGE_MS", quick ? 8_000 : 30_000),
    shortOutageMs: envNumber("FAULTS_SHORT_OUTAGE_MS", quick ? 6_000 : 15_000),
    workerKills: envNumber("FAULTS_WORKER_KILLS", quick ? 2 : 3),
    fixtureFaultMs: envNumber("FAULTS_FIXTURE_FAULT_MS", quick ? 3_000 : 6_000),
    secondWorkerMs: envNumber("FAULTS_SECOND_WORKER_MS", quick ? 10_000 : 20_000),
    warmupMs: envNumber("FAULTS_WARMUP_MS", quick ? 5_000 : 15_000),
    settleTimeoutMs: envNumber("FAULTS_SETTLE_TIMEOUT_MS", 120_000),
    rate: envNumber("FAULTS_RATE", 10),
    concurrency: envNumber("FAULTS_CONCURRENCY", 4),
    catalogueSize: envNumber("FAULTS_CATALOGUE_SIZE", quick ? 700 : 1500),
  };
}
