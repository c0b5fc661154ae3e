// Machine details for RESULTS.md: a figure means little without the box it ran on.
import { cpus, totalmem } from "node:os";
import { execSync } from "node:child_process";

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGib: string;
  readonly node: string;
  readonly kernel: string;
  readonly date: string;
}

export function machine(): Machine {
  let kernel: string;
  try {
    kernel = execSync("uname -sr", { encoding: "utf8" }).trim();
  } catch {
    kernel = process.platform;
  }
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGib: (totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    kernel,
    date: new Date().toISOString(),
  };
}
