// The hand check of /v1/gifs/search's query against the zod schema it stands in
// for: whatever it accepts, the schema accepts with the same output; everything
// else is left to the schema (so refusals keep the schema's codes and messages).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { searchQuerySchema } from "./schemas.ts";
import { plainSearchQuery, type RawQuery } from "./search-query.ts";

const NAMES = [
  "q",
  "limit",
  "offset",
  "rating",
  "lang",
  "api_key",
  "fields",
  "bundle",
  "excludeDynamicResults",
  "unknown",
  "__proto__",
  "constructor",
  "Q",
] as const;

const VALUES = [
  "",
  " ",
  "cat",
  " funny cats ",
  "a".repeat(50),
  ` ${"a".repeat(50)} `,
  "a".repeat(51),
  "cat\u0000",
  "cat\u007f",
  "tab\there",
  "line\nbreak",
  "ünïcödé 猫",
  "0",
  "1",
  "9",
  "25",
  "50",
  "51",
  "99",
  "100",
  "05",
  "-1",
  "1.5",
  "1e1",
  " 7",
  "0x10",
  "4999",
  "5000",
  "g",
  "pg",
  "pg-13",
  "r",
  "PG",
  "nc-17",
  "en",
  "EN",
  "e1",
  "eng",
];

const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.string({ maxLength: 60 }),
  fc.stringMatching(/^[0-9]{1,5}$/),
);
const anyQuery: fc.Arbitrary<RawQuery> = fc.dictionary(
  fc.constantFrom(...NAMES),
  fc.oneof(
    { weight: 5, arbitrary: value },
    { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }) },
  ),
  { maxKeys: 6, noNullPrototype: false },
);
/** Mostly plain searches: a q and some of the known parameters, each once. */
const searchLike: fc.Arbitrary<RawQuery> = fc
  .tuple(
    fc.constantFrom("cat", " funny cats ", "a".repeat(50), "ünïcödé 猫"),
    fc.dictionary(fc.constantFrom("limit", "offset", "rating", "lang", "api_key"), value, {
      maxKeys: 4,
    }),
  )
  .map(([q, rest]) => ({ ...rest, q }));
const rawQuery = fc.oneof(anyQuery, searchLike);

describe("plainSearchQuery", () => {
  it("accepts only what the schema accepts, with the schema's output", () => {
    let accepted = 0;
    fc.assert(
      fc.property(rawQuery, (raw) => {
        const plain = plainSearchQuery(raw);
        if (plain === undefined) return;
        accepted++;
        const parsed = searchQuerySchema.safeParse(raw);
        expect(parsed.success, JSON.stringify(raw)).toBe(true);
        expect(plain).toEqual(parsed.data);
      }),
      { seed: 20_261_203, numRuns: 20_000 },
    );
    // The property says something only if plain queries do get generated.
    expect(accepted).toBeGreaterThan(2_000);
  });

  it("checks the common searches by hand", () => {
    expect(plainSearchQuery({ q: "cat" })).toEqual({ q: "cat", limit: 25, offset: 0 });
    expect(
      plainSearchQuery({
        q: " funny cats ",
        limit: "50",
        offset: "4999",
        rating: "pg-13",
        lang: "EN",
        api_key: "k",
      }),
    ).toEqual({
      q: "funny cats",
      limit: 50,
      offset: 4999,
      rating: "pg-13",
      lang: "en",
      api_key: "k",
    });
  });

  it("leaves refusals and unusual values to the schema", () => {
    const deferred: RawQuery[] = [
      {},
      { q: "" },
      { q: "a".repeat(51) },
      { q: "cat\u0001" },
      { q: ["a", "b"] },
      { q: "cat", limit: "0" },
      { q: "cat", limit: "05" },
      { q: "cat", offset: "5000" },
      { q: "cat", rating: "PG" },
      { q: "cat", lang: "eng" },
      { q: "cat", unknown: "1" },
    ];
    for (const raw of deferred) expect(plainSearchQuery(raw), JSON.stringify(raw)).toBeUndefined();
  });
});
