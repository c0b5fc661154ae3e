// The tracer every in-process tracing test uses: a real SDK provider whose spans
// land in memory, registered globally (with W3C propagation) for the file's tests,
// emptied before each test and torn down after, so no test sees another's spans
// and the global OTel state does not leak into the next test file.
import { context, propagation, trace, type Tracer } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { registerContextPropagation } from "../start-tracing.ts";

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  readonly tracer: Tracer;
}

/** Call at the top of a test file. `propagate: false` leaves propagation unregistered. */
export function useInMemoryTracing(
  name: string,
  options: { readonly propagate?: boolean } = {},
): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    if (options.propagate !== false) registerContextPropagation();
    trace.setGlobalTracerProvider(provider);
  });
  beforeEach(() => {
    exporter.reset();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  return { exporter, tracer: provider.getTracer(name) };
}
