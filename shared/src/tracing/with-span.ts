// Runs a function inside an active span and always ends it, recording a thrown
// error on the span. Saves every call site the same try/catch/finally.
import {
  SpanStatusCode,
  context,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from "@opentelemetry/api";

/**
 * Runs `fn` in a new active span named `name` (child of `parent`, default the
 * active context). An error marks the span failed, is recorded and rethrown.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
