// Content-addressed object keys: identical bytes map to one key, so re-archiving the
// same GIF (redelivery, duplicates, two GIF ids sharing a file) stores it once.

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** File extension of each content type the worker archives. */
const EXTENSIONS: Readonly<Record<string, string>> = { "image/gif": "gif" };

/**
 * `gifs/sha256/<aa>/<bb>/<sha256>.gif`: two levels of fan-out keep listings and
 * filesystem-backed servers (versitygw posix) fast with millions of objects.
 */
export function contentAddressedKey(sha256Hex: string, contentType: string): string {
  if (!SHA256_HEX.test(sha256Hex)) throw new TypeError("sha256 must be 64 lowercase hex digits");
  const ext = EXTENSIONS[contentType];
  if (ext === undefined) throw new TypeError(`no extension known for content type ${contentType}`);
  return `gifs/sha256/${sha256Hex.slice(0, 2)}/${sha256Hex.slice(2, 4)}/${sha256Hex}.${ext}`;
}
