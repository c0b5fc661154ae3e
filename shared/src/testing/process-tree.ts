// A process tree read from /proc (Linux): whether a pid still runs, every live
// descendant of a root, and signals to a list of pids. The dev-mode test stops turbo's
// tree with it (turbo starts every task in a process group of its own, so a signal to
// the group of `make dev` reaches turbo only: what is still alive after a bounded wait
// is killed by pid, from a list taken while the tree was whole); the benchmark sums
// the memory of a server's tree (PostgreSQL forks a backend per connection).
import { readdirSync, readFileSync } from "node:fs";

interface ProcStat {
  readonly ppid: number;
  readonly state: string;
}

function stat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (2nd field) may hold spaces and parentheses: count from the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", ppid: Number(fields[1]) };
}

/** True while `pid` runs (a zombie has finished: it only waits to be reaped). */
export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

/** Every live descendant of `root` (children, grandchildren, ...), root excluded. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const s = stat(pid);
    if (s === undefined) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(pid);
    children.set(s.ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found.filter(alive);
}

/** Sends `signal` to each pid that still runs (a pid that is gone is skipped). */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // it exited between the check and the signal
    }
  }
}
