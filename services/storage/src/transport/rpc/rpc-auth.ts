// Who may call storage's RPC: callers that present the shared token
// (STORAGE_RPC_TOKEN) as `authorization: Bearer <token>`. The check runs as
// connect-es's request gate, after the headers arrive and before any byte of the
// body is read, decompressed or parsed, so an unauthenticated caller costs storage
// a header parse and nothing more, whatever body it declares.
//
// One exception: grpc.health.v1.Health/Check. The kubelet's gRPC liveness and
// readiness probes cannot send headers and only call Check, which answers SERVING
// or NOT_SERVING and then ends: it tells a caller nothing a TCP connect would not.
// Watch is not exempt: it is a stream held open as long as its caller likes, so an
// open Watch would let anyone hold storage's memory and its shutdown. Reflection is
// not exempt either: with a token set, the schema is only shown to those holding it.
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { Health, STORAGE_RPC_AUTH_HEADER, tokenMatches } from "@gifmesh/shared/contracts";

/** The stable code in `gifmesh-error-code` of a refused call (and in its message). */
export const UNAUTHENTICATED_CODE = "RPC.UNAUTHENTICATED";

/** Procedures (`service/Method`) every caller may use without the token. */
const OPEN_PROCEDURES: ReadonlySet<string> = new Set([`${Health.typeName}/Check`]);

export type RequestGate = (context: HandlerContext) => void;

/** A request gate that refuses every call without the token, Health/Check excepted. */
export function createRpcAuthGate(token: string): RequestGate {
  return (context) => {
    if (OPEN_PROCEDURES.has(`${context.service.typeName}/${context.method.name}`)) return;
    if (tokenMatches(token, context.requestHeader.get(STORAGE_RPC_AUTH_HEADER))) return;
    // The same answer for a missing, malformed and wrong token: no oracle.
    throw new ConnectError(
      `${UNAUTHENTICATED_CODE}: a valid bearer token is required`,
      Code.Unauthenticated,
      new Headers({ "gifmesh-error-code": UNAUTHENTICATED_CODE }),
    );
  };
}
