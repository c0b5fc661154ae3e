import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempDir } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { openSpoolDir, SPOOL_PARENT } from "./spool-dir.ts";

const HOUR = 3_600_000;

describe("spool directory", () => {
  it("sweeps directories of dead or reused pids and old legacy files, keeps live ones", async () => {
    const root = createTempDir("fw-spool-").path;
    const parent = join(root, SPOOL_PARENT);
    const make = (name: string) => {
      mkdirSync(join(parent, name), { recursive: true });
      writeFileSync(join(parent, name, "gifmesh-x.part"), "partial");
    };
    make("100-5000"); // pid 100 is dead
    make("200-6000"); // pid 200 lives, started at 6000: its owner
    make("300-7000"); // pid 300 lives but started at 9999: pid reused, owner gone
    make("400-8000"); // pid 400 lives, start unknown: kept
    make("not-ours"); // unknown name: kept
    const legacyOld = join(root, "gifmesh-0f8c2d3e-1111-4222-8333-944455556666.part");
    const legacyNew = join(root, "gifmesh-1f8c2d3e-1111-4222-8333-944455556666.part");
    writeFileSync(legacyOld, "x");
    writeFileSync(legacyNew, "x");
    const old = (Date.now() - 2 * HOUR) / 1000;
    utimesSync(legacyOld, old, old);

    const live: Record<number, { alive: boolean; start?: string }> = {
      200: { alive: true, start: "6000" },
      300: { alive: true, start: "9999" },
      400: { alive: true },
    };
    const spool = await openSpoolDir({
      root,
      staleAfterMs: HOUR,
      self: { pid: 500, start: "1234" },
      probe: (pid) => live[pid] ?? { alive: false },
    });

    expect(spool.path).toBe(join(parent, "500-1234"));
    expect(existsSync(spool.path)).toBe(true);
    expect(existsSync(join(parent, "100-5000"))).toBe(false);
    expect(existsSync(join(parent, "200-6000", "gifmesh-x.part"))).toBe(true);
    expect(existsSync(join(parent, "300-7000"))).toBe(false);
    expect(existsSync(join(parent, "400-8000"))).toBe(true);
    expect(existsSync(join(parent, "not-ours"))).toBe(true);
    expect(existsSync(legacyOld)).toBe(false);
    expect(existsSync(legacyNew)).toBe(true);
    expect(spool.swept).toBe(3);

    await spool.remove();
    expect(existsSync(spool.path)).toBe(false);
    // Other owners' directories are still in the parent: it stays.
    expect(existsSync(join(parent, "200-6000"))).toBe(true);
  });

  it("judges real processes: this one is alive, a reaped child is not", async () => {
    const root = createTempDir("fw-spool-").path;
    const first = await openSpoolDir({ root, staleAfterMs: HOUR });
    // A second open in the same process (same pid and start) keeps the first's directory.
    const again = await openSpoolDir({ root, staleAfterMs: HOUR });
    expect(again.path).toBe(first.path);
    expect(existsSync(first.path)).toBe(true);
    // pid 2^22+1 is above Linux's pid_max: never alive.
    mkdirSync(join(root, SPOOL_PARENT, `${2 ** 22 + 1}-1`));
    const third = await openSpoolDir({ root, staleAfterMs: HOUR });
    expect(third.swept).toBe(1);
    // The last user of the parent removes it too: a clean stop leaves nothing.
    await third.remove();
    expect(existsSync(join(root, SPOOL_PARENT))).toBe(false);
  });

  it("is gone after a crash; after a SIGKILL the next start sweeps it", async () => {
    const root = createTempDir("fw-spool-").path;
    const crashed = await runWorker(root, "throw new Error('fatal');");
    expect(crashed.code).toBe(1);
    expect(existsSync(crashed.path)).toBe(false);

    const killed = await runWorker(root, "process.kill(process.pid, 'SIGKILL');");
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(killed.path)).toBe(true);
    const next = await openSpoolDir({ root, staleAfterMs: HOUR });
    expect(next.swept).toBe(1);
    expect(existsSync(killed.path)).toBe(false);
    await next.remove();
    expect(readdirSync(root)).toEqual([]);
  });
});

/** A child process that opens a spool dir under `root`, prints its path, then runs `then`. */
async function runWorker(root: string, then: string) {
  const script = [
    `import { openSpoolDir } from ${JSON.stringify(join(import.meta.dirname, "spool-dir.ts"))};`,
    `const spool = await openSpoolDir({ root: ${JSON.stringify(root)}, staleAfterMs: ${HOUR} });`,
    "console.log(spool.path);",
    then,
  ].join("\n");
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return { path: out.trim(), code, signal };
}
