// The EndpointStore port over the storage service's Connect client: one generic
// call for the endpoint RPCs, whose request messages already are Giphy's
// parameters. Passes the request's signal down and turns every Connect error into
// a GatewayError, as grpc-gif-store.ts does.
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  EndpointStore,
  StorageMethod,
  StorageRequest,
  StorageResponse,
} from "../application/ports.ts";
import type { StorageClient } from "./storage-transport.ts";
import { fromStorageError } from "./storage-errors.ts";
import type { StorageCallObserver } from "./grpc-gif-store.ts";

/** The client's method as one callable shape (the client types each one apart). */
type Unary<M extends StorageMethod> = (
  request: StorageRequest<M>,
  options: { signal?: AbortSignal },
) => Promise<StorageResponse<M>>;

export function createGrpcEndpointStore(
  client: StorageClient,
  observe: StorageCallObserver = () => undefined,
): EndpointStore {
  return {
    async call(method, request, options = {}) {
      // Every StorageService method of the client is unary with this signature.
      const fn = (client[method] as unknown as Unary<typeof method>).bind(client);
      const name = method.charAt(0).toUpperCase() + method.slice(1);
      try {
        const response = await fn(request, { signal: options.signal });
        observe(name, "ok");
        return response;
      } catch (error) {
        observe(name, Code[ConnectError.from(error).code]);
        throw fromStorageError(error);
      }
    },
  };
}
