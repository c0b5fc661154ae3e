import { describe, expect, it } from "vitest";
import { Counter, createMetrics } from "./index.ts";

describe("createMetrics", () => {
  it("labels every series with the service, default metrics included", async () => {
    const registry = createMetrics({ service: "file-worker" });
    const counter = new Counter({
      name: "gifmesh_test_total",
      help: "test",
      registers: [registry],
    });
    counter.inc();
    const text = await registry.metrics();
    expect(text).toContain('gifmesh_test_total{service="file-worker"} 1');
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="file-worker"\}/);
  });

  it("leaves out gauges named like counters, which promtool rejects", async () => {
    const text = await createMetrics({ service: "s" }).metrics();
    expect(text).toContain("nodejs_active_handles{");
    expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m);
  });

  it("keeps registries apart", async () => {
    const a = createMetrics({ service: "a", defaultMetrics: false });
    const b = createMetrics({ service: "b", defaultMetrics: false });
    new Counter({ name: "only_in_a_total", help: "x", registers: [a] }).inc();
    expect(await b.metrics()).not.toContain("only_in_a_total");
  });
});
