// In-process StorageService for unit tests (createRouterTransport: real Connect
// client and serialization, no network). It serves a few fixture-like GIFs in
// every archive state and counts calls, so tests can prove cache hits.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import {
  contentAddressedKey,
  GifSchema,
  Rating,
  StorageService,
  type Gif,
} from "@gifmesh/shared/contracts";

export const SHA = "a".repeat(64);
export const OBJECT_KEY = contentAddressedKey(SHA, "image/gif");

export function fixtureGif(id: string, state: "archived" | "pending" | "failed"): Gif {
  const archive =
    state === "archived"
      ? {
          state: {
            case: "archived" as const,
            value: {
              objectKey: OBJECT_KEY,
              sha256: SHA,
              sizeBytes: 1234n,
              contentType: "image/gif",
              rendition: "original",
              archivedAt: timestampFromDate(new Date("2026-01-02T03:04:05Z")),
            },
          },
        }
      : state === "pending"
        ? {
            state: {
              case: "pending" as const,
              value: { requestedAt: timestampFromDate(new Date("2026-01-02T03:04:05Z")) },
            },
          }
        : {
            state: {
              case: "failed" as const,
              value: { code: "ARCHIVE.TOO_LARGE", reason: "too large", attempts: 3 },
            },
          };
  return create(GifSchema, {
    id,
    slug: `cat-${id}`,
    title: `Cat ${id}`,
    url: `https://giphy.com/gifs/${id}`,
    rating: Rating.G,
    username: "catlover",
    importedAt: timestampFromDate(new Date("2020-05-06T07:08:09Z")),
    renditions: [
      {
        name: "original",
        url: `https://media.giphy.com/media/${id}/giphy.gif`,
        width: 480,
        height: 270,
        sizeBytes: 1000n,
        frames: 12,
      },
      {
        name: "fixed_width",
        url: `https://media.giphy.com/media/${id}/200w.gif`,
        width: 200,
        height: 113,
        sizeBytes: 500n,
      },
    ],
    archive,
  });
}

export interface FakeStorage {
  readonly client: ReturnType<typeof createClient<typeof StorageService>>;
  readonly calls: Record<string, number>;
  /** Make the next calls fail with this code (until cleared). */
  failWith: Code | undefined;
  /** GIFs a search returns; default three in each state. */
  gifs: Gif[];
}

export function createFakeStorage(): FakeStorage {
  const state: FakeStorage = {
    client: undefined as never,
    calls: {},
    failWith: undefined,
    gifs: [
      fixtureGif("arch1", "archived"),
      fixtureGif("pend1", "pending"),
      fixtureGif("fail1", "failed"),
    ],
  };
  const enter = (method: string) => {
    state.calls[method] = (state.calls[method] ?? 0) + 1;
    if (state.failWith !== undefined)
      throw new ConnectError(`fake ${Code[state.failWith]}`, state.failWith);
  };
  const transport = createRouterTransport(({ service }) => {
    service(StorageService, {
      async searchGifs(req) {
        enter("searchGifs");
        await new Promise((resolve) => setTimeout(resolve, 5));
        const gifs =
          req.query === "nothing"
            ? []
            : state.gifs.slice(req.offset, req.offset + (req.limit || 25));
        return {
          gifs,
          pagination: {
            totalCount: req.query === "nothing" ? 0 : state.gifs.length,
            count: gifs.length,
            offset: req.offset,
          },
        };
      },
      listTrendingGifs(req) {
        enter("listTrendingGifs");
        return {
          gifs: state.gifs.slice(0, req.limit || 25),
          pagination: {
            totalCount: state.gifs.length,
            count: state.gifs.length,
            offset: req.offset,
          },
        };
      },
      getGif(req) {
        enter("getGif");
        const gif = state.gifs.find((g) => g.id === req.id);
        if (!gif) throw new ConnectError("gif not found", Code.NotFound);
        return { gif };
      },
      batchGetGifs(req) {
        enter("batchGetGifs");
        return {
          gifs: state.gifs.filter((g) => req.ids.includes(g.id)),
          missingIds: req.ids.filter((id) => !state.gifs.some((g) => g.id === id)),
        };
      },
      getArchiveStatus(req) {
        enter("getArchiveStatus");
        return { gifId: req.gifId };
      },
    });
  });
  return Object.assign(state, { client: createClient(StorageService, transport) });
}
