// What the fault suite and the cluster runner both need around their phases: a run's
// own log and temp directories, the number knobs they read from the environment, and
// the wait until the system has settled after a fault.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "@gifmesh/shared/testing";
import type { Truth, TruthReader } from "./truth.ts";

/**
 * Points the run's children at their own directories, inherited through the environment:
 * - GIFMESH_TEST_LOG_DIR: every private server and service appends its whole output
 *   there (server-process.ts); kept when the run fails, removed when it passes;
 * - TMPDIR: a temp dir of the run's own (the workers' spools, the JVM's native
 *   libraries, HAProxy's sockets), removed whatever happens.
 */
export function useRunDirectories(
  name: string,
  logDirOverride: string | undefined,
): { readonly logDir: string; readonly tmpDir: string } {
  const logDir =
    logDirOverride ??
    join(
      process.env.GIFMESH_DATA ?? join(REPO_ROOT, ".data"),
      "test-logs",
      `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    );
  process.env.GIFMESH_TEST_LOG_DIR = logDir;
  const runTmp = mkdtempSync(join(tmpdir(), `gifmesh-${name}-`));
  chmodSync(runTmp, 0o755); // the private PostgreSQL runs as the postgres user
  process.env.TMPDIR = runTmp;
  process.once("exit", () => {
    rmSync(runTmp, { recursive: true, force: true });
  });
  return { logDir, tmpDir: runTmp };
}

/** A number knob from the environment: unset or empty gives `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

/** Waits (bounded) until nothing is pending: outbox sent, workers caught up, no GIF pending. */
export async function settle(
  truth: TruthReader,
  timeoutMs: number,
): Promise<{ truth: Truth; ms: number }> {
  const t0 = Date.now();
  let last: Truth | undefined;
  for (;;) {
    try {
      last = await truth.read();
      // Orphans too: an object is uploaded before its GIF is marked archived, so one
      // seen mid-flight must be gone (referenced) once the system has settled.
      if (
        last.pending === 0 &&
        last.outboxUnsent === 0 &&
        last.workerLag === 0 &&
        last.orphanObjects.length === 0
      )
        return { truth: last, ms: Date.now() - t0 };
    } catch {
      // a server or broker just came back; read again
    }
    if (Date.now() - t0 > timeoutMs && last !== undefined)
      return { truth: last, ms: Date.now() - t0 };
    await sleep(1_000);
  }
}
