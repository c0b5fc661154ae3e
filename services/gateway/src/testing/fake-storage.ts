// In-process StorageService for unit tests (createRouterTransport: real Connect
// client and serialization, no network). It serves a few fixture-like GIFs in
// every archive state and counts calls, so tests can prove cache hits.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { readFileSync } from "node:fs";
import {
  GifSchema,
  MediaField,
  Rating,
  StorageService,
  type Gif,
  type MediaFile,
} from "@gifmesh/shared/contracts";

/** Giphy's answers captured by Giphy's SDK (tests/fixtures/giphy, kept byte for byte). */
export function capture(name: string): { data: unknown; pagination?: unknown; meta: unknown } {
  const url = new URL(`../../../../tests/fixtures/giphy/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as { data: unknown; meta: unknown };
}

const FIELDS = [
  ["url", MediaField.URL],
  ["mp4", MediaField.MP4],
  ["webp", MediaField.WEBP],
] as const;

const CONTENT_TYPE: Readonly<Record<string, string>> = {
  gif: "image/gif",
  jpg: "image/jpeg",
  mp4: "video/mp4",
  webp: "image/webp",
};

/** The object key the fake archive gives a Giphy URL (one per distinct file). */
export function fakeObjectKey(url: string, ext: string): string {
  let h = 0;
  for (const ch of url) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, "0").repeat(8);
  return `gifs/sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}.${ext}`;
}

/**
 * A Gif as storage returns it for a Giphy object it stored: giphy_json is the
 * object, and one MediaFile per distinct URL in `images` (members naming the same
 * URL share it). `archived(rendition, field)` decides which files are archived.
 */
export function storedGiphyGif(
  object: Record<string, unknown>,
  archived: (rendition: string, field: string) => boolean,
): Gif {
  const images = (object.images ?? {}) as Record<string, Record<string, unknown>>;
  const byUrl = new Map<string, MediaFile>();
  for (const [rendition, members] of Object.entries(images))
    for (const [field, enumField] of FIELDS) {
      const url = members[field];
      if (typeof url !== "string" || url === "") continue;
      const member = { rendition, field: enumField };
      const known = byUrl.get(url);
      if (known) {
        known.members.push(member as never);
        continue;
      }
      const ext = field === "url" ? (rendition.endsWith("still") ? "jpg" : "gif") : field;
      const key = fakeObjectKey(url, ext);
      const sha = key.slice(-64 - ext.length - 1, -ext.length - 1);
      byUrl.set(url, {
        $typeName: "gifmesh.gif.v1.MediaFile",
        primary: { $typeName: "gifmesh.gif.v1.RenditionMember", ...member },
        members: [{ $typeName: "gifmesh.gif.v1.RenditionMember", ...member }],
        sourceUrl: url,
        archive: archived(rendition, field)
          ? {
              $typeName: "gifmesh.gif.v1.ArchiveState",
              state: {
                case: "archived",
                value: {
                  $typeName: "gifmesh.gif.v1.ArchivedMedia",
                  objectKey: key,
                  sha256: sha,
                  sizeBytes: 100n,
                  contentType: CONTENT_TYPE[ext],
                  rendition,
                  field: enumField,
                },
              },
            }
          : {
              $typeName: "gifmesh.gif.v1.ArchiveState",
              state: {
                case: "pending",
                value: { $typeName: "gifmesh.gif.v1.ArchivePending" },
              },
            },
      } as MediaFile);
    }
  const files = [...byUrl.values()];
  const original = files.find((f) => f.primary?.rendition === "original");
  return create(GifSchema, {
    id: String(object.id),
    title: typeof object.title === "string" ? object.title : "",
    giphyJson: JSON.stringify(object),
    mediaFiles: files,
    archive: files.every((f) => f.archive?.state.case === "archived")
      ? original?.archive
      : { state: { case: "pending", value: {} } },
  });
}

export const SHA = "a".repeat(64);
export const OBJECT_KEY = `gifs/sha256/aa/aa/${SHA}.gif`;

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
  /** The last request of each method, to check what was forwarded. */
  readonly requests: Record<string, unknown>;
}

const captured = <T>(name: string): T[] => capture(name).data as T[];
type Obj = Record<string, unknown>;
const noneArchived = () => false;

export function createFakeStorage(): FakeStorage {
  const state: FakeStorage = {
    client: undefined as never,
    calls: {},
    requests: {},
    failWith: undefined,
    gifs: [
      fixtureGif("arch1", "archived"),
      fixtureGif("pend1", "pending"),
      fixtureGif("fail1", "failed"),
    ],
  };
  const enter = (method: string, request?: unknown) => {
    state.calls[method] = (state.calls[method] ?? 0) + 1;
    state.requests[method] = request;
    if (state.failWith !== undefined)
      throw new ConnectError(`fake ${Code[state.failWith]}`, state.failWith);
  };
  const page = (all: readonly Gif[], offset: number) => ({
    gifs: all.slice(offset),
    pagination: { totalCount: all.length, count: all.length - offset, offset },
  });
  const categoryOf = (name: string, nameEncoded: string) => {
    const gifObject = capture("gif").data as Obj;
    const gif = storedGiphyGif(gifObject, (r) => r === "original");
    return {
      name,
      nameEncoded,
      gif,
      giphyJson: JSON.stringify({
        name,
        name_encoded: nameEncoded,
        subcategories: [{ name: "Cooking", name_encoded: "cooking" }],
        gif: gifObject,
        member_gifmesh_does_not_know: [1, "two"],
      }),
    };
  };
  const transport = createRouterTransport(({ service }) => {
    service(StorageService, {
      async searchGifs(req) {
        enter("searchGifs", req);
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
        enter("listTrendingGifs", req);
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
      getRandomGif(req) {
        enter("getRandomGif", req);
        const n = state.calls.getRandomGif ?? 0;
        return { gif: state.gifs[n % state.gifs.length] };
      },
      translateGif(req) {
        enter("translateGif", req);
        if (req.phrase === "nothing") throw new ConnectError("no gif", Code.NotFound);
        return { gif: state.gifs[0] };
      },
      listRelatedGifs(req) {
        enter("listRelatedGifs", req);
        return page(state.gifs, req.offset);
      },
      listCategories(req) {
        enter("listCategories", req);
        const categories = [categoryOf("Actions", "actions")];
        return { categories, pagination: { totalCount: 1, count: 1, offset: 0 } };
      },
      listSubcategories(req) {
        enter("listSubcategories", req);
        if (req.category !== "actions") throw new ConnectError("no category", Code.NotFound);
        const subcategories = [categoryOf("Cooking", "cooking")];
        return { subcategories, pagination: { totalCount: 1, count: 1, offset: 0 } };
      },
      listCategoryGifs(req) {
        enter("listCategoryGifs", req);
        if (req.category !== "actions") throw new ConnectError("no category", Code.NotFound);
        return page(state.gifs, req.offset);
      },
      listEmoji(req) {
        enter("listEmoji", req);
        const gifs = captured<Obj>("default-emoji-variations").map((o) =>
          storedGiphyGif(o, noneArchived),
        );
        return {
          gifs,
          pagination: {
            totalCount: req.apiVersion === 2 ? 0 : gifs.length,
            count: gifs.length,
            offset: req.offset,
            nextCursor: req.apiVersion === 2 ? String(req.offset + gifs.length) : "",
          },
        };
      },
      listEmojiVariations(req) {
        enter("listEmojiVariations", req);
        if (req.id === "nope") throw new ConnectError("no emoji", Code.NotFound);
        return {
          gifs: captured<Obj>("emoji-variations").map((o) => storedGiphyGif(o, noneArchived)),
        };
      },
      animateText(req) {
        enter("animateText", req);
        return page(state.gifs, req.offset);
      },
      searchChannels(req) {
        enter("searchChannels", req);
        const channels = captured<Obj>("channels-search").map((o) => ({
          id: BigInt(Number(o.id)),
          slug: String(o.slug),
          displayName: String(o.display_name),
          giphyJson: JSON.stringify(o),
          featuredGif:
            typeof o.featured_gif === "object" && o.featured_gif !== null
              ? storedGiphyGif(o.featured_gif as Obj, noneArchived)
              : undefined,
        }));
        return {
          channels,
          pagination: { totalCount: channels.length, count: channels.length, offset: 0 },
        };
      },
      autocompleteTags(req) {
        enter("autocompleteTags", req);
        const terms = ["cat", "cats"].map((name) => ({
          name,
          giphyJson: JSON.stringify({ name, analytics_response_payload: "x" }),
        }));
        return { terms, pagination: { totalCount: 2, count: 2, offset: req.offset } };
      },
      listRelatedTags(req) {
        enter("listRelatedTags", req);
        const terms = [{ name: `${req.term} dog`, giphyJson: "" }];
        return { terms, pagination: { totalCount: 1, count: 1, offset: 0 } };
      },
      listTrendingSearches() {
        enter("listTrendingSearches");
        return { terms: captured<string>("trending-searches") };
      },
      createRandomId() {
        enter("createRandomId");
        const n = state.calls.createRandomId ?? 0;
        return { randomId: `fake-random-id-${n}` };
      },
    });
  });
  return Object.assign(state, { client: createClient(StorageService, transport) });
}
