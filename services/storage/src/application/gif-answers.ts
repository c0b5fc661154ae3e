// Use cases of Giphy's endpoints that answer with GIFs beyond search and trending:
// random, translate, related, a subcategory's GIFs, emoji (v1 offset pages, v2
// cursor pages), an emoji's variations and animated text. Each follows the
// freshness policy of serve-page.ts, except random: a random pick is never served
// from the database while Giphy answers (it would not be random), and while Giphy
// is down it is a random stored GIF of that type, tag and rating.
import { StorageError, isGiphyOutage, orNotFound } from "../domain/errors.ts";
import type { MediaType, Rating, StoredGif } from "../domain/gif.ts";
import {
  answerKey,
  parseApiVersion,
  parseCategoryName,
  parseGifId,
  parseLang,
  parsePage,
  parsePhrase,
  phraseKey,
  parseTag,
  parseType,
  parseWeirdness,
  type RawPage,
} from "../domain/queries.ts";
import type { PageSource, ServedPage } from "./serve-page.ts";
import { serveAnswer } from "./serve-page.ts";
import { cursorAnswer, readCursor } from "./stored-answers.ts";
import type { CallContext, UseCaseDeps } from "./use-cases.ts";

export interface ServedGif {
  readonly gif: StoredGif;
  readonly source: PageSource;
}

const notFound = (what: string) => new StorageError("GIF.NOT_FOUND", `${what}: Giphy has no match`);

export function createGetRandomGif(deps: UseCaseDeps) {
  return async (
    raw: { type: MediaType | undefined; tag: string; rating: Rating | undefined },
    ctx: CallContext,
  ): Promise<ServedGif> => {
    const pick = {
      type: parseType(raw.type, ["gifs", "stickers"]),
      ...(parseTag(raw.tag) === undefined ? {} : { tag: raw.tag }),
      rating: raw.rating,
    };
    let found;
    try {
      found = await deps.giphy.random(pick, ctx);
    } catch (error) {
      if (!isGiphyOutage(error)) throw error;
      const stored = await deps.store.findRandomGif(pick, ctx);
      if (stored === undefined) throw error;
      deps.onStale?.("random", error);
      return { gif: stored, source: "database_stale" };
    }
    if (found === undefined) throw notFound(`random ${pick.type} for "${pick.tag ?? ""}"`);
    const [saved] = await deps.store.saveFromGiphy({
      gifs: [found],
      totalCount: 1,
      traceHeaders: ctx.traceHeaders,
      call: ctx,
    });
    if (saved === undefined) throw notFound("random");
    return { gif: saved, source: "giphy" };
  };
}

export function createTranslateGif(deps: UseCaseDeps) {
  return async (
    raw: {
      type: MediaType | undefined;
      phrase: string;
      weirdness: number;
      rating: Rating | undefined;
      lang: string;
    },
    ctx: CallContext,
  ): Promise<ServedGif> => {
    const type = parseType(raw.type, ["gifs", "stickers"]);
    const phrase = parsePhrase(raw.phrase, "phrase");
    const weirdness = parseWeirdness(raw.weirdness);
    const lang = parseLang(raw.lang);
    const page = await serveAnswer(deps, ctx, "translate", {
      key: answerKey("translate", [type, raw.rating ?? "any", weirdness, lang, phraseKey(phrase)]),
      offset: 0,
      ttlSeconds: deps.searchTtlSeconds,
      fetch: async () => {
        const gif = await deps.giphy.translate(
          {
            type,
            phrase,
            rating: raw.rating,
            ...(weirdness === undefined ? {} : { weirdness }),
            ...(lang === undefined ? {} : { lang }),
          },
          ctx,
        );
        return {
          gifs: gif === undefined ? [] : [gif],
          totalCount: gif === undefined ? 0 : 1,
          offset: 0,
        };
      },
    });
    const [gif] = page.gifs;
    if (gif === undefined) throw notFound(`translate "${phrase}"`);
    return { gif, source: page.source };
  };
}

export function createListRelatedGifs(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { gifId: string; type: MediaType | undefined; rating: Rating | undefined },
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const gifId = parseGifId(raw.gifId, "gif_id");
    const type = parseType(raw.type, ["gifs", "stickers", "videos"]);
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "related", {
      key: answerKey("related", [type, raw.rating ?? "any", offset, limit, gifId]),
      offset,
      ttlSeconds: deps.searchTtlSeconds,
      fetch: () =>
        orNotFound(`gif ${gifId}`, () =>
          deps.giphy.related({ gifId, type, limit, offset, rating: raw.rating }, ctx),
        ),
    });
  };
}

export function createListCategoryGifs(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { category: string; subcategory: string; rating: Rating | undefined },
    ctx: CallContext,
  ): Promise<ServedPage> => {
    const category = parseCategoryName(raw.category, "category");
    const subcategory = parseCategoryName(raw.subcategory, "subcategory");
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "category_gifs", {
      key: answerKey("category_gifs", [raw.rating ?? "any", offset, limit, category, subcategory]),
      offset,
      ttlSeconds: deps.searchTtlSeconds,
      fetch: () =>
        orNotFound(`category ${category}/${subcategory}`, () =>
          deps.giphy.categoryGifs(
            { category, subcategory, limit, offset, rating: raw.rating },
            ctx,
          ),
        ),
    });
  };
}

export function createListEmoji(deps: UseCaseDeps) {
  return async (
    raw: RawPage & { apiVersion: number },
    ctx: CallContext,
  ): Promise<ServedPage<string | undefined>> => {
    const apiVersion = parseApiVersion(raw.apiVersion);
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "emoji", {
      key: answerKey("emoji", [apiVersion, offset, limit]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      fetch: async () => cursorAnswer(await deps.giphy.emoji({ apiVersion, limit, offset }, ctx)),
      read: readCursor,
    });
  };
}

export function createListEmojiVariations(deps: UseCaseDeps) {
  return async (rawId: string, ctx: CallContext): Promise<ServedPage> => {
    const id = parseGifId(rawId);
    return serveAnswer(deps, ctx, "emoji_variations", {
      key: answerKey("emoji_variations", [id]),
      offset: 0,
      ttlSeconds: deps.catalogTtlSeconds,
      fetch: () => orNotFound(`emoji ${id}`, () => deps.giphy.emojiVariations(id, ctx)),
    });
  };
}

export function createAnimateText(deps: UseCaseDeps) {
  return async (raw: RawPage & { text: string }, ctx: CallContext): Promise<ServedPage> => {
    const text = parsePhrase(raw.text, "text");
    const { limit, offset } = parsePage(raw);
    return serveAnswer(deps, ctx, "animate", {
      key: answerKey("animate", [offset, limit, text]),
      offset,
      ttlSeconds: deps.catalogTtlSeconds,
      fetch: () => deps.giphy.animateText({ text, limit, offset }, ctx),
    });
  };
}
