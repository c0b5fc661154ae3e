// A temp dir for one test file, removed when the file ends (cleanup.ts), also when
// a test fails. Under the leak guard it lives in the run's own TMPDIR.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deferCleanup } from "./cleanup.ts";

export interface TempDir {
  readonly path: string;
  /** Removes it now (it is removed at the end of the file anyway). */
  remove(): Promise<void>;
}

/** mkdtemp under os.tmpdir() with `prefix` (e.g. "fw-spool-"). */
export function createTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = deferCleanup(`temp dir ${path}`, () => {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  });
  return { path, remove };
}
