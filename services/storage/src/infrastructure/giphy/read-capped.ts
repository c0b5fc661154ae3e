// Reads an HTTP response body with a byte cap, counting while it streams: a Giphy
// answer (or whatever answers at GIPHY_BASE_URL) can be any size, and
// `response.json()` would buffer all of it first. The count is of decoded bytes
// (after Content-Encoding), so a small gzip body that inflates past the cap is
// stopped too; a declared Content-Length over the cap is refused before reading.

/** The body was larger than the cap; nothing past the cap was kept. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`response body larger than ${String(maxBytes)} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** The body as UTF-8 text, or BodyTooLargeError once it exceeds `maxBytes`. */
export async function readCappedText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  // Without Content-Encoding the declared length is the decoded one; with it, the
  // encoded length, which a decoded body this small could not exceed by much.
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new BodyTooLargeError(maxBytes);
  }
  if (response.body === null) return "";
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}
