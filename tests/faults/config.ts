// The suite's knobs, from the environment, so a quick mode can run shorter outages
// (FAULTS_QUICK=1) and any single duration can be changed for an investigation.
// Full mode: Kafka and S3 down 30 s, PostgreSQL and Redis 15 s.

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

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

export function loadDurations(): Durations {
  const quick = process.env.FAULTS_QUICK === "1";
  return {
    longOutageMs: num("FAULTS_LONG_OUTAGE_MS", quick ? 8_000 : 30_000),
    shortOutageMs: num("FAULTS_SHORT_OUTAGE_MS", quick ? 6_000 : 15_000),
    workerKills: num("FAULTS_WORKER_KILLS", quick ? 2 : 3),
    fixtureFaultMs: num("FAULTS_FIXTURE_FAULT_MS", quick ? 3_000 : 6_000),
    secondWorkerMs: num("FAULTS_SECOND_WORKER_MS", quick ? 10_000 : 20_000),
    warmupMs: num("FAULTS_WARMUP_MS", quick ? 5_000 : 15_000),
    settleTimeoutMs: num("FAULTS_SETTLE_TIMEOUT_MS", 120_000),
    rate: num("FAULTS_RATE", 10),
    concurrency: num("FAULTS_CONCURRENCY", 4),
    catalogueSize: num("FAULTS_CATALOGUE_SIZE", quick ? 700 : 1500),
  };
}
