// Parses an HTTP Range header (RFC 9110 §14) for one byte range. Several ranges
// are answered with the whole object, which the RFC allows; a syntactically bad
// header is ignored, as it must be; a range past the end is unsatisfiable (416).

export type RangeResult =
  | { readonly kind: "none" }
  | { readonly kind: "range"; readonly start: number; readonly end: number }
  | { readonly kind: "unsatisfiable" };

const NONE = { kind: "none" } as const;

export function parseByteRange(header: string | undefined, size: number): RangeResult {
  if (!header) return NONE;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!match) return NONE; // unknown unit, several ranges or garbage
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return NONE;
  if (first === "") {
    // Suffix range: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return NONE;
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", start, end };
}

/** True when an If-None-Match header matches the strong ETag (weak comparison, §13.1.2). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === opaque);
}
