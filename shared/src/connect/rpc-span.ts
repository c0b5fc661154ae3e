// What the client and the server interceptor share: the span name and attributes
// of the RPC semantic conventions, the status mapping, and ending a span only
// once a streaming response has been drained (not when the call returns).
import { SpanStatusCode, type Attributes, type Span } from "@opentelemetry/api";
import { Code, ConnectError, type StreamResponse, type UnaryResponse } from "@connectrpc/connect";

/** `rpc.system` values of the conventions: gRPC, or the Connect protocol. */
export type RpcSystem = "grpc" | "connect_rpc";

/** The part of a Connect request a span describes. */
interface RpcCall {
  readonly service: { readonly typeName: string };
  readonly method: { readonly name: string };
}

/** `package.Service/Method`, the conventional span name. */
export function rpcSpanName(call: RpcCall): string {
  return `${call.service.typeName}/${call.method.name}`;
}

/** `rpc.system`, `rpc.service` and `rpc.method`. */
export function rpcAttributes(system: RpcSystem, call: RpcCall): Attributes {
  return {
    "rpc.system": system,
    "rpc.service": call.service.typeName,
    "rpc.method": call.method.name,
  };
}

/** The protocol a server request arrived in, from its content type. */
export function systemOfContentType(contentType: string | null): RpcSystem {
  return contentType?.startsWith("application/grpc") ? "grpc" : "connect_rpc";
}

/** gRPC codes that mean the server failed (the conventions' server-side error set). */
const SERVER_FAULTS = new Set<Code>([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

/** Connect's name of a code: `not_found`, as `rpc.connect_rpc.error_code` wants it. */
function connectCodeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Records the outcome (`error` undefined = OK) and ends the span. */
export function finishRpcSpan(
  span: Span,
  system: RpcSystem,
  side: "client" | "server",
  error?: unknown,
): void {
  if (error === undefined) {
    // Connect has no Code for OK; gRPC says 0.
    if (system === "grpc") span.setAttribute("rpc.grpc.status_code", 0);
    span.end();
    return;
  }
  const err = ConnectError.from(error);
  if (system === "grpc") span.setAttribute("rpc.grpc.status_code", err.code);
  else span.setAttribute("rpc.connect_rpc.error_code", connectCodeName(err.code));
  span.setAttribute("error.type", Code[err.code]);
  if (side === "client" || SERVER_FAULTS.has(err.code)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.rawMessage });
    if (err.code !== Code.Canceled) span.recordException(err);
  }
  span.end();
}

async function* drain<T>(
  source: AsyncIterable<T>,
  finish: (error?: unknown) => void,
): AsyncGenerator<T> {
  let failure: unknown;
  try {
    yield* source;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    finish(failure);
  }
}

/**
 * A copy of `res` whose message stream calls `finish` once it is drained, fails
 * or is abandoned by its reader (`finish(error)` on failure).
 */
export function endWhenDrained<R extends StreamResponse>(
  res: R,
  finish: (error?: unknown) => void,
): R {
  return { ...res, message: drain(res.message, finish) };
}

/**
 * Runs `call`, then `finish` once the call has ended: when it answers (unary), once
 * its streamed answer is drained ({@link endWhenDrained}), or with the error it threw.
 */
export async function finishAfter(
  call: () => Promise<UnaryResponse | StreamResponse>,
  finish: (error?: unknown) => void,
): Promise<UnaryResponse | StreamResponse> {
  try {
    const res = await call();
    if (res.stream) return endWhenDrained(res, finish);
    finish();
    return res;
  } catch (error) {
    finish(error);
    throw error;
  }
}
