// Reads V8 .cpuprofile files (from BENCH_PROFILE=<service>) and prints where the
// self time went: top functions, and totals by package, to find what dominates.
// `--skip-s=N` leaves out the first N seconds (start-up: module compilation would
// otherwise dominate a short load); `--top=N` prints N functions (default 25).
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const area = (url: string): string => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m?.[1] !== undefined) return m[1];
  if (url.includes("/services/") || url.includes("/shared/"))
    return url
      .replace(/^.*\/work\/main\//, "")
      .split("/")
      .slice(0, 3)
      .join("/");
  return url === "" ? "(native/gc/idle)" : url.startsWith("node:") ? "node core" : url;
};

const flag = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
};
const skipUs = flag("skip-s", 0) * 1e6;
const topN = flag("top", 25);

for (const file of process.argv.slice(2).filter((a) => !a.startsWith("--"))) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= skipUs) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)") continue;
    total += us;
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/work\/main\//, "")}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byArea.set(area(f.url), (byArea.get(area(f.url)) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s busy`);
  console.log(
    ["by package:", ...top(byArea, 14), "by function:", ...top(byFunction, topN)].join("\n"),
  );
}
