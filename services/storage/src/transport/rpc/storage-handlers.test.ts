// The handlers' error boundary: a bug (any error that is not a StorageError) reaches
// the caller only as a generic `internal`, so its cause must be observed here, once;
// errors with a stable code are the caller's business and are not reported as bugs.
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { StorageService } from "@gifmesh/shared/contracts";
import { describe, expect, it } from "vitest";
import type { StorageUseCases } from "../../application/use-cases.ts";
import { StorageError } from "../../domain/errors.ts";
import { storageRoutes } from "./storage-handlers.ts";

function clientFailingWith(error: unknown, seen: { error: unknown; procedure: string }[]) {
  const fail = () => Promise.reject(error instanceof Error ? error : new Error(String(error)));
  // Every use case fails the same way.
  const useCases = new Proxy({} as StorageUseCases, { get: () => fail });
  const routes = storageRoutes(useCases, {
    onInternal: (e, procedure) => seen.push({ error: e, procedure }),
  });
  return createClient(StorageService, createRouterTransport(routes));
}

describe("storageRoutes", () => {
  it("reports the cause of an internal error and answers a generic message", async () => {
    const seen: { error: unknown; procedure: string }[] = [];
    const bug = new Error('deadlock detected on relation "gifs"');
    const client = clientFailingWith(bug, seen);
    const failure = await client.searchGifs({ query: "cat", limit: 5 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectError);
    expect((failure as ConnectError).code).toBe(Code.Internal);
    expect((failure as ConnectError).rawMessage).toBe("internal error");
    expect(seen).toEqual([{ error: bug, procedure: "SearchGifs" }]);
  });

  it("does not report errors that carry a stable code", async () => {
    const seen: { error: unknown; procedure: string }[] = [];
    const client = clientFailingWith(new StorageError("GIF.NOT_FOUND", "no such gif"), seen);
    const failure = await client.getGif({ id: "abc" }).catch((e: unknown) => e);
    expect((failure as ConnectError).code).toBe(Code.NotFound);
    expect(seen).toEqual([]);
  });
});
