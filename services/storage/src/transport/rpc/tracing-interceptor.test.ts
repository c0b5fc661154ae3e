// Streaming spans end when the stream is drained, fails, or is closed early,
// not when the handler returns its iterator.
import type { Context, Span, SpanStatus } from "@opentelemetry/api";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { endSpanWhenDrained } from "./tracing-interceptor.ts";

function recordingSpan() {
  const state = {
    ended: 0,
    status: undefined as SpanStatus | undefined,
    attributes: {} as Record<string, unknown>,
  };
  const span = {
    setAttribute: (key: string, value: unknown) => ((state.attributes[key] = value), span),
    setStatus: (status: SpanStatus) => ((state.status = status), span),
    end: () => {
      state.ended += 1;
    },
  };
  return { span: span as unknown as Span, state };
}

async function* source(n: number, failAt?: number) {
  for (let i = 0; i < n; i++) {
    await Promise.resolve();
    if (i === failAt) throw new Error("stream broke");
    yield i;
  }
}

const ctx: Context = ROOT_CONTEXT;

describe("endSpanWhenDrained", () => {
  it("ends the span once, after the last message", async () => {
    const { span, state } = recordingSpan();
    const out: number[] = [];
    for await (const value of endSpanWhenDrained(source(3), span, ctx)) {
      expect(state.ended).toBe(0);
      out.push(value);
    }
    expect(out).toEqual([0, 1, 2]);
    expect(state.ended).toBe(1);
    expect(state.attributes["rpc.connect_rpc.messages_sent"]).toBe(3);
    expect(state.status).toBeUndefined();
  });

  it("records an error and ends when the stream fails", async () => {
    const { span, state } = recordingSpan();
    await expect(async () => {
      for await (const value of endSpanWhenDrained(source(3, 1), span, ctx)) expect(value).toBe(0);
    }).rejects.toThrow("stream broke");
    expect(state.ended).toBe(1);
    expect(state.status?.code).toBe(2);
  });

  it("ends and closes the source when the client stops early", async () => {
    const { span, state } = recordingSpan();
    let closed = false;
    async function* endless() {
      try {
        for (;;) yield await Promise.resolve(1);
      } finally {
        closed = true;
      }
    }
    for await (const value of endSpanWhenDrained(endless(), span, ctx)) {
      expect(value).toBe(1);
      break;
    }
    expect(state.ended).toBe(1);
    expect(closed).toBe(true);
  });
});
