// Serves the catalogue's media under /media/<id>/<file>, plus hostile variants that
// the file worker's safety checks must reject: a non-GIF body, a truncated GIF, an
// endless/oversized body, a slow trickle and a redirect to a private address.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Catalogue } from "../catalogue/catalogue.ts";
import type { MediaStore } from "./media-store.ts";
import { RENDITIONS, type RenditionName } from "./render-gif.ts";

const BY_FILE = new Map<string, RenditionName>(
  Object.entries(RENDITIONS).map(([name, file]) => [file, name as RenditionName]),
);

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain" }).end("not found");
}

function streamHuge(res: ServerResponse, bytes: number, declare: boolean): void {
  const headers: Record<string, string | number> = { "content-type": "image/gif" };
  if (declare) headers["content-length"] = bytes;
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(64 * 1024);
  Buffer.from("GIF89a").copy(chunk);
  let sent = 0;
  const pump = (): void => {
    while (sent < bytes && !res.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += part.length;
      if (!res.write(part)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

function trickle(res: ServerResponse, bytes: Buffer, bytesPerTick: number, tickMs: number): void {
  res.writeHead(200, { "content-type": "image/gif", "content-length": bytes.length });
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed || offset >= bytes.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(bytes.subarray(offset, offset + bytesPerTick));
    offset += bytesPerTick;
  }, tickMs);
  res.on("close", () => {
    clearInterval(timer);
  });
}

/** Handles GET /media/<id>/<file>. */
export function serveMedia(
  catalogue: Catalogue,
  media: MediaStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const match = /^\/media\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  const spec = match?.[1] === undefined ? undefined : catalogue.byId(match[1]);
  const file = match?.[2] ?? "";
  if (spec === undefined) {
    notFound(res);
    return;
  }
  const q = url.searchParams;
  const rendition = BY_FILE.get(file);
  if (rendition !== undefined) {
    const bytes = media.bytes(spec, rendition);
    res.writeHead(200, {
      "content-type": "image/gif",
      "content-length": bytes.length,
      "cache-control": "public, max-age=86400",
    });
    res.end(req.method === "HEAD" ? undefined : bytes);
    return;
  }
  switch (file) {
    case "not-a-gif.gif":
      res
        .writeHead(200, { "content-type": "image/gif" })
        .end("<html><body>definitely not a gif</body></html>");
      return;
    case "truncated.gif": {
      const bytes = media.bytes(spec, "original");
      res
        .writeHead(200, { "content-type": "image/gif" })
        .end(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    case "huge.gif": {
      streamHuge(res, Number(q.get("bytes") ?? 64 * 1024 * 1024), q.get("declare") === "1");
      return;
    }
    case "slow.gif": {
      trickle(
        res,
        media.bytes(spec, "original"),
        Number(q.get("chunk") ?? 512),
        Number(q.get("tickMs") ?? 250),
      );
      return;
    }
    case "redirect.gif":
      res
        .writeHead(302, { location: q.get("to") ?? "http://169.254.169.254/latest/meta-data/" })
        .end();
      return;
    default:
      notFound(res);
  }
}
