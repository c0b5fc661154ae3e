// The worker's own spool directory, and the sweep of leftovers of dead workers.
//
// A download larger than the in-memory limit is spooled to a file, which is removed
// when its job ends. A SIGKILLed worker cannot remove anything, so each process
// spools into `<root>/gifmesh-file-worker/<pid>-<start>/` and, at start-up, removes
// every sibling whose owner is gone: no process with that pid, or one with the same
// pid but another start time (pid reuse; /proc on Linux). A live owner's directory is
// never touched, however old (an idle worker writes nothing). The root must therefore
// be local to the host and pid namespace, as a temp dir is. Files of the old layout
// (`<root>/gifmesh-<uuid>.part`) carry no owner: they are removed once untouched for
// `staleAfterMs`, longer than any job may take. On shutdown the directory goes, and
// the shared parent too once no other worker uses it, so a clean stop leaves nothing.
import { readFileSync, rmSync } from "node:fs";
import { mkdir, readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "@gifmesh/shared/logging";

export interface SpoolDirOptions {
  /** ARCHIVE_SPOOL_DIR (default: the OS temp dir). */
  readonly root: string;
  /** An old-layout spool file untouched for this long is stale. */
  readonly staleAfterMs: number;
  readonly logger?: Logger;
  /** For tests: this process's pid and start mark. */
  readonly self?: { readonly pid: number; readonly start: string };
  /** For tests: is `pid` alive, and with which start mark (undefined = unknown)? */
  readonly probe?: (pid: number) => { readonly alive: boolean; readonly start?: string };
  readonly now?: () => number;
}

export interface SpoolDir {
  readonly path: string;
  /** How many stale leftovers the start-up sweep removed. */
  readonly swept: number;
  /** Removes this process's directory, and the parent if no other worker uses it (on shutdown). */
  remove(): Promise<void>;
}

export const SPOOL_PARENT = "gifmesh-file-worker";
const OWNED = /^(\d+)-(\d+)$/;
const LEGACY = /^gifmesh-[0-9a-f-]{36}\.part$/;

/** The process start time in clock ticks since boot (field 22 of /proc/<pid>/stat), if readable. */
function startMark(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function defaultProbe(pid: number): { alive: boolean; start?: string } {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return { alive: false };
  }
  return { alive: true, start: startMark(pid) };
}

export async function openSpoolDir(options: SpoolDirOptions): Promise<SpoolDir> {
  const now = options.now ?? Date.now;
  const probe = options.probe ?? defaultProbe;
  const self = options.self ?? {
    pid: process.pid,
    start: startMark(process.pid) ?? String(Date.now() - Math.round(process.uptime() * 1000)),
  };
  const parent = join(options.root, SPOOL_PARENT);
  await mkdir(parent, { recursive: true, mode: 0o700 });

  const isOld = async (path: string): Promise<boolean> => {
    try {
      return now() - (await stat(path)).mtimeMs > options.staleAfterMs;
    } catch {
      return false; // gone already
    }
  };
  const isDead = (name: string): boolean => {
    const match = OWNED.exec(name);
    if (!match) return false;
    const pid = Number(match[1]);
    if (pid === self.pid && match[2] === self.start) return false;
    const owner = probe(pid);
    if (!owner.alive) return true;
    return owner.start !== undefined && owner.start !== match[2];
  };

  let swept = 0;
  const sweep = async (dir: string, stale: (name: string, path: string) => Promise<boolean>) => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      if (!(await stale(name, path))) continue;
      await rm(path, { recursive: true, force: true });
      swept += 1;
    }
  };
  await sweep(parent, (name) => Promise.resolve(isDead(name)));
  await sweep(options.root, async (name, path) => LEGACY.test(name) && (await isOld(path)));
  if (swept > 0) options.logger?.info("removed stale spool leftovers", { count: swept, parent });

  const path = join(parent, `${self.pid}-${self.start}`);
  // Recursive: the parent may have been removed by a worker stopping meanwhile.
  await mkdir(path, { recursive: true, mode: 0o700 });
  // An exit without the graceful shutdown (a fatal error) still runs "exit"
  // listeners; only a SIGKILL leaves the directory to the next start's sweep.
  const onExit = () => {
    rmSync(path, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  return {
    path,
    swept,
    async remove() {
      process.off("exit", onExit);
      await rm(path, { recursive: true, force: true });
      // Fails (ENOTEMPTY) while another worker spools here: then it stays theirs.
      await rmdir(parent).catch(() => undefined);
    },
  };
}
