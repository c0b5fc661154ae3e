// `/v1/gifs?ids=` answers are cached once per SET of ids (sorted, de-duplicated:
// canonicalIds), because a key per ORDER let one client fill the cache with the
// permutations of one list (300 orders of 50 ids grew the gateway by 147 MB). The
// client still gets the GIFs in the order it asked, as Giphy does; inRequestedOrder
// re-orders the cached answer. It does not serialise again: the cached JSON is
// `{"data":[<gif>,<gif>,...],"pagination":...}`, so each GIF's bytes are a slice of
// it, located once per cached body (a WeakMap, gone with the cache entry) and
// spliced in the asked order. If the bytes are not laid out as expected, the answer
// is serialised instead: slower, never wrong.
import { createHash } from "node:crypto";
import type { GiphyGif } from "../domain/giphy-shape.ts";
import type { CachedBody } from "./ports.ts";

/** The ids in the order asked, without repeats, and the same set sorted (the cache key). */
export function canonicalIds(ids: readonly string[]): {
  readonly wanted: readonly string[];
  readonly canonical: readonly string[];
} {
  const wanted = [...new Set(ids)];
  return { wanted, canonical: [...wanted].sort() };
}

interface ListAnswer<L extends { readonly data: readonly GiphyGif[] }> {
  readonly value: L;
  readonly body: CachedBody;
}

const OPEN = Buffer.from('{"data":[');
const COMMA = Buffer.from(",");
const [OPEN_BRACE, CLOSE_BRACE, CLOSE_BRACKET, COMMA_BYTE] = [0x7b, 0x7d, 0x5d, 0x2c];

/** Where each GIF's JSON lies in a cached body, and where the part after `data` starts. */
interface Layout {
  readonly spans: ReadonlyMap<string, readonly [number, number]>;
  readonly tail: number;
}

const layouts = new WeakMap<CachedBody, Layout | null>();

function locate(bytes: Buffer, data: readonly GiphyGif[]): Layout | null {
  if (!bytes.subarray(0, OPEN.length).equals(OPEN)) return null;
  const spans = new Map<string, readonly [number, number]>();
  let at = OPEN.length;
  for (const [i, gif] of data.entries()) {
    if (i > 0 && bytes[at++] !== COMMA_BYTE) return null;
    const end = at + Buffer.byteLength(JSON.stringify(gif));
    if (bytes[at] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return null;
    spans.set(gif.id, [at, end]);
    at = end;
  }
  return bytes[at] === CLOSE_BRACKET ? { spans, tail: at } : null;
}

function layoutOf(body: CachedBody, data: readonly GiphyGif[]): Layout | null {
  let layout = layouts.get(body);
  if (layout === undefined) {
    layout = locate(body.bytes, data);
    layouts.set(body, layout);
  }
  return layout;
}

/**
 * The cached answer with its GIFs in the order of `wanted` (ids it does not hold are
 * left out). The same answer object when the order is already right.
 */
export function inRequestedOrder<
  L extends { readonly data: readonly GiphyGif[] },
  A extends ListAnswer<L>,
>(answer: A, wanted: readonly string[]): A {
  const cached = answer.value.data;
  const byId = new Map(cached.map((gif) => [gif.id, gif]));
  const data = wanted.flatMap((id) => {
    const gif = byId.get(id);
    return gif ? [gif] : [];
  });
  if (data.every((gif, i) => gif === cached[i])) return answer;
  const value = { ...answer.value, data };
  const layout = layoutOf(answer.body, cached);
  const bytes = layout
    ? Buffer.concat([
        OPEN,
        ...data.flatMap((gif, i) => {
          const [start, end] = layout.spans.get(gif.id) ?? [0, 0];
          const part = answer.body.bytes.subarray(start, end);
          return i === 0 ? [part] : [COMMA, part];
        }),
        answer.body.bytes.subarray(layout.tail),
      ])
    : Buffer.from(JSON.stringify(value), "utf8");
  // The ETag names the cached data and the order, without hashing the bytes again.
  const hash = createHash("sha256")
    .update(`${answer.body.hash}\n${data.map((gif) => gif.id).join(",")}`)
    .digest("base64url")
    .slice(0, 22);
  return { ...answer, value, body: { bytes, hash } };
}
