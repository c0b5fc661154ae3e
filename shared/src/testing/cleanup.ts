// What a test file created, removed again when the file ends, also when a hook or a
// test threw half-way. A helper that creates something (a database, topics, a bucket,
// a private server, a temp dir) registers how to remove it here the moment it exists;
// the setup file vitest-cleanup.ts runs the registry in an afterAll of every file.
// Outside vitest (the fault suite, bench) nothing runs it: callers keep their own
// close(), and an early close() takes the entry off the registry.

/** How to remove one thing; may be sync or async. */
export type Dispose = () => unknown;

interface Entry {
  readonly what: string;
  readonly run: () => Promise<void>;
}

const pending: Entry[] = [];

/**
 * Registers `dispose` to run at the end of the current test file (newest first).
 * Returns a function that runs it now instead (once; later calls await the same run).
 */
export function deferCleanup(what: string, dispose: Dispose): () => Promise<void> {
  let running: Promise<void> | undefined;
  const entry: Entry = {
    what,
    run: () =>
      (running ??= Promise.resolve()
        .then(dispose)
        .then(() => undefined)),
  };
  pending.push(entry);
  return () => {
    const at = pending.indexOf(entry);
    if (at >= 0) pending.splice(at, 1);
    return entry.run();
  };
}

/** A group of registered disposers that its owner can run early, together (a stack's stop()). */
export interface CleanupScope {
  /** deferCleanup, remembered in this scope. */
  defer(what: string, dispose: Dispose): void;
  /** Runs this scope's disposers now, newest first, all of them; throws naming those that failed. */
  run(): Promise<void>;
}

export function cleanupScope(): CleanupScope {
  const early: Entry[] = [];
  return {
    defer(what, dispose) {
      early.push({ what, run: deferCleanup(what, dispose) });
    },
    run: () => runNewestFirst(early),
  };
}

/** How many disposers are waiting (for tests of the registry). */
export function pendingCleanups(): number {
  return pending.length;
}

/**
 * Runs every registered disposer, newest first, each even if an earlier one failed;
 * then throws one error naming every disposer that failed.
 */
export function runCleanups(): Promise<void> {
  return runNewestFirst(pending);
}

interface Failure {
  readonly what: string;
  readonly error: unknown;
}

/** Takes `entries` off the end and runs them, each even if one before failed; see runCleanups. */
async function runNewestFirst(entries: Entry[]): Promise<void> {
  const failures: Failure[] = [];
  for (let entry = entries.pop(); entry !== undefined; entry = entries.pop()) {
    try {
      await entry.run();
    } catch (error) {
      failures.push({ what: entry.what, error });
    }
  }
  throwIfAny(failures);
}

function throwIfAny(failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  const reasons = failures.map(
    (f) => `${f.what} (${f.error instanceof Error ? f.error.message : String(f.error)})`,
  );
  throw new AggregateError(
    failures.map((f) => f.error),
    `clean-up failed: ${reasons.join("; ")}`,
  );
}
