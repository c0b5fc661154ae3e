// Identifies media by its first bytes, never by what the URL or headers claim.

/** The media types the worker can recognise. Only GIFs are archived today. */
export type SniffedType = "image/gif" | "image/webp" | "video/mp4";

/** Bytes needed to decide (RIFF....WEBP is the longest signature). */
export const SNIFF_BYTES = 12;

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** The type the leading bytes prove, or undefined. Needs {@link SNIFF_BYTES} bytes for WebP/MP4, 6 for GIF. */
export function sniffMediaType(head: Uint8Array): SniffedType | undefined {
  const signature = ascii(head, 0, 6);
  if (signature === "GIF87a" || signature === "GIF89a") return "image/gif";
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP")
    return "image/webp";
  if (head.length >= 8 && ascii(head, 4, 8) === "ftyp") return "video/mp4";
  return undefined;
}
