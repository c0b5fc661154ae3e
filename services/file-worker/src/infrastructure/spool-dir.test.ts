import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSpoolDir, SPOOL_PARENT } from "./spool-dir.ts";

const HOUR = 3_600_000;

describe("spool directory", () => {
  it("sweeps directories of dead or reused pids and old legacy files, keeps live ones", async () => {
    const root = mkdtempSync(join(tmpdir(), "fw-spool-"));
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
  });

  it("judges real processes: this one is alive, a reaped child is not", async () => {
    const root = mkdtempSync(join(tmpdir(), "fw-spool-"));
    const first = await openSpoolDir({ root, staleAfterMs: HOUR });
    // A second open in the same process (same pid and start) keeps the first's directory.
    const again = await openSpoolDir({ root, staleAfterMs: HOUR });
    expect(again.path).toBe(first.path);
    expect(existsSync(first.path)).toBe(true);
    // pid 2^22+1 is above Linux's pid_max: never alive.
    mkdirSync(join(root, SPOOL_PARENT, `${2 ** 22 + 1}-1`));
    const third = await openSpoolDir({ root, staleAfterMs: HOUR });
    expect(third.swept).toBe(1);
  });
});
