// Fault switches: tests (in this or another service) make the fixture slow, rate
// limited, failing, malformed or "synthetic" for the next N calls, over HTTP
// (POST /__fixture/faults), per request (header x-fixture-fault) or by env at start.
import { z } from "zod";

export const faultSchema = z.strictObject({
  /** Extra delay before answering, in ms. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Answer with this HTTP status and a Giphy-shaped error body. */
  status: z
    .union([
      z.literal(400),
      z.literal(401),
      z.literal(403),
      z.literal(404),
      z.literal(414),
      z.literal(429),
      z.literal(500),
      z.literal(502),
      z.literal(503),
    ])
    .optional(),
  /** Answer 200 with a body that is not valid Giphy JSON. */
  malformed: z.boolean().optional(),
  /** Answer 200 with an empty meta.response_id (Giphy's "synthetic response"). */
  synthetic: z.boolean().optional(),
  /** Accept the request and never answer (until the client gives up). */
  hang: z.boolean().optional(),
  /** Reset the connection without answering. */
  reset: z.boolean().optional(),
  /** How many matching requests the fault applies to; unlimited when absent. */
  count: z.number().int().min(1).optional(),
  /** Which routes it applies to: the v1 API (default), media files, or both. */
  target: z.enum(["api", "media", "all"]).optional(),
});

export type Fault = z.infer<typeof faultSchema>;

/** Mutable fault state of one fixture server. */
export interface FaultSwitch {
  set(fault: Fault): void;
  clear(): void;
  current(): Fault | undefined;
  /** The fault to apply to this request (consuming one of its `count`), if any. */
  take(target: "api" | "media"): Fault | undefined;
}

export function createFaultSwitch(initial?: Fault): FaultSwitch {
  let fault = initial;
  let remaining = initial?.count;
  return {
    set(next) {
      fault = next;
      remaining = next.count;
    },
    clear() {
      fault = undefined;
      remaining = undefined;
    },
    current: () => fault,
    take(target) {
      if (fault === undefined) return undefined;
      const applies = (fault.target ?? "api") === target || fault.target === "all";
      if (!applies) return undefined;
      const taken = fault;
      if (remaining !== undefined) {
        remaining -= 1;
        if (remaining <= 0) fault = undefined;
      }
      return taken;
    },
  };
}

/** Parses the x-fixture-fault header (JSON, same fields as the admin endpoint). */
export function parseFaultHeader(value: string | undefined): Fault | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    const parsed = faultSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
