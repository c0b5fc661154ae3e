// vitest globalSetup: a test run leaves nothing behind. Before the workers start it
// gives the run an id (GIFMESH_TEST_RUN, carried in the names of the run's topics,
// databases, buckets and Redis keys) and a temp dir of its own (TMPDIR, inherited by
// the workers and the servers and services they start). After the run it lists
// what is left in that dir and, on the shared servers, under the run's id; it
// removes all of it and fails the run naming each leftover. Both checks only see
// this run's things, so a concurrent run on the same machine cannot make it flake.
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  removeTempDir,
  sweepServers,
  tempLeftovers,
  type Leftover,
} from "../shared/src/testing/leak-check.ts";
import { newTestRunId, TEST_RUN_ENV } from "../shared/src/testing/test-run.ts";
import { sharedServers } from "../shared/src/testing/infra.ts";

const RUN_DIR = /^gifmesh-test-(\d+)-t[0-9a-f]{10}$/;
/** Names our code gives temp entries; new ones directly in /tmp are reported (not failed: see below). */
const OURS = /^(gifmesh-|fw-|compose-check-|playwright|\.org\.chromium\.)/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Run dirs of runs that were killed before their teardown (kill -9, a lost terminal). */
function sweepDeadRuns(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = RUN_DIR.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) removeTempDir(join(root, name));
  }
}

/** Our names in `root`, without run dirs (a concurrent run's is not a stray). */
const ours = (root: string) =>
  new Set(readdirSync(root).filter((name) => OURS.test(name) && !RUN_DIR.test(name)));

export default function setup(): () => Promise<void> {
  const root = tmpdir();
  sweepDeadRuns(root);
  const runId = newTestRunId();
  const runDir = join(root, `gifmesh-test-${process.pid}-${runId}`);
  mkdirSync(runDir);
  // Traversable by other users: private PostgreSQL clusters run as `postgres` in it.
  chmodSync(runDir, 0o711);
  const before = ours(root);
  process.env[TEST_RUN_ENV] = runId;
  process.env.TMPDIR = runDir;

  return async function teardown(): Promise<void> {
    const temp = tempLeftovers(runDir);
    const servers = await sweepServers(runId, sharedServers, { remove: true });
    removeTempDir(runDir);
    process.env.TMPDIR = root;
    // A new entry of ours directly in /tmp came from a process that ignored TMPDIR, or
    // from another run (the fault suite runs outside vitest): it cannot be told apart,
    // so it is named, not failed.
    const strays = [...ours(root)].filter((name) => !before.has(name));
    const warn = (line: string) => process.stderr.write(`leak guard: ${line}\n`);
    if (strays.length > 0)
      warn(`new entries in ${root}, not made under this run: ${strays.join(", ")}`);
    for (const error of servers.errors) warn(`could not check ${error}`);
    if (servers.skipped.length > 0) warn(`not running, not checked: ${servers.skipped.join(", ")}`);

    const leftovers: readonly Leftover[] = [...temp, ...servers.leftovers];
    if (leftovers.length > 0)
      throw new Error(
        `test run ${runId} left ${leftovers.length} thing(s) behind (now removed):\n` +
          leftovers.map((l) => `  ${l.kind}: ${l.name}`).join("\n"),
      );
  };
}
