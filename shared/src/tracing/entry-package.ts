// The package.json of the service a process runs: its name and version name the
// service's spans, and its `"gifmesh": { "edge": true }` marker makes the process
// distrust incoming trace context (incoming-trust.ts). Read by the preload and, when
// a service runs without it, by startTracing, so both decide the same way.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EdgeMarker } from "./incoming-trust.ts";

export interface EntryPackage extends EdgeMarker {
  readonly name?: string;
  readonly version?: string;
}

/** The package.json nearest to the entry script (services/<name>/package.json). */
export function entryPackage(): EntryPackage {
  let dir = dirname(process.argv[1] ?? process.cwd());
  for (let depth = 0; depth < 6; depth++) {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as EntryPackage;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return {};
}
