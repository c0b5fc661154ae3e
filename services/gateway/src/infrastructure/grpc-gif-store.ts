// The GifStore port over the storage service's Connect client. Translates the
// use cases' parameters into RPC messages, passes the request's signal down, and
// turns every Connect error into a GatewayError (NOT_FOUND on GetGif is a value).
import { Code, ConnectError } from "@connectrpc/connect";
import type { GifStore } from "../application/ports.ts";
import type { StorageClient } from "./storage-transport.ts";
import { fromStorageError } from "./storage-errors.ts";

export function createGrpcGifStore(client: StorageClient): GifStore {
  return {
    async search(p, options = {}) {
      try {
        const res = await client.searchGifs(
          { query: p.query, limit: p.limit, offset: p.offset, rating: p.rating, lang: p.lang },
          { signal: options.signal },
        );
        return { gifs: res.gifs, pagination: res.pagination };
      } catch (error) {
        throw fromStorageError(error);
      }
    },
    async trending(p, options = {}) {
      try {
        const res = await client.listTrendingGifs(
          { limit: p.limit, offset: p.offset, rating: p.rating },
          { signal: options.signal },
        );
        return { gifs: res.gifs, pagination: res.pagination };
      } catch (error) {
        throw fromStorageError(error);
      }
    },
    async get(id, options = {}) {
      try {
        const res = await client.getGif({ id }, { signal: options.signal });
        return res.gif;
      } catch (error) {
        if (ConnectError.from(error).code === Code.NotFound) return undefined;
        throw fromStorageError(error);
      }
    },
    async batchGet(ids, options = {}) {
      try {
        const res = await client.batchGetGifs({ ids: [...ids] }, { signal: options.signal });
        return { gifs: res.gifs, missingIds: res.missingIds };
      } catch (error) {
        throw fromStorageError(error);
      }
    },
  };
}
