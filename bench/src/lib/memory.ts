// Memory figures: VmRSS of one process, of a process tree (PostgreSQL forks a
// backend per connection), PSS (shared pages split fairly, so a sum over a tree is
// honest), and a sampler that keeps each process's peak per benchmark phase.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { descendants } from "@gifmesh/shared/testing";
import { procKib, rssKib } from "./proc.ts";

/** PSS of a process in KiB: its shared pages split among their users (0 if it is gone). */
export function pssKib(pid: number): number {
  return procKib(pid, "smaps_rollup", "Pss");
}

export interface TreeMemory {
  readonly processes: number;
  readonly rssKib: number;
  readonly pssKib: number;
}

export function treeMemory(root: number): TreeMemory {
  const pids = [root, ...descendants(root)].filter((pid) => rssKib(pid) > 0);
  return {
    processes: pids.length,
    rssKib: pids.reduce((sum, pid) => sum + rssKib(pid), 0),
    pssKib: pids.reduce((sum, pid) => sum + pssKib(pid), 0),
  };
}

/** Infrastructure pids from `$GIFMESH_DATA/run/*.pid` (written by scripts/infra/up.sh). */
export function infraPids(dataDir: string): Map<string, number> {
  const out = new Map<string, number>();
  const infra = new Set(["postgres", "redis", "kafka", "s3", "jaeger"]);
  const dir = join(dataDir, "run");
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.pid$/, "");
    if (!file.endsWith(".pid") || !infra.has(name)) continue;
    const pid = Number(readFileSync(join(dir, file), "utf8").trim().split(/\s/)[0]);
    if (Number.isInteger(pid) && rssKib(pid) > 0) out.set(name, pid);
  }
  return out;
}

/** Samples the RSS of named processes and keeps the peak per phase. */
export function createRssSampler(pids: ReadonlyMap<string, number>, intervalMs = 200) {
  const peaks = new Map<string, Map<string, number>>();
  let phase = "idle";
  const sample = (): void => {
    const row = peaks.get(phase) ?? new Map<string, number>();
    for (const [name, pid] of pids) row.set(name, Math.max(row.get(name) ?? 0, rssKib(pid)));
    peaks.set(phase, row);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    setPhase(next: string): void {
      sample();
      phase = next;
      sample();
    },
    /** Peak RSS (KiB) of `name` in `phase`, 0 if never sampled. */
    peak(phaseName: string, name: string): number {
      return peaks.get(phaseName)?.get(name) ?? 0;
    },
    stop(): void {
      sample();
      clearInterval(timer);
    },
  };
}
