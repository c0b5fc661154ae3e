// A bare HTTP/2 client for hostile RPC requests: storage's port is h2c, which
// fetch cannot speak, and generated clients refuse to send malformed bodies. This
// sends any bytes with any headers and returns status, headers, trailers and body.
import http2 from "node:http2";

export interface RawAnswer {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly trailers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One session per test file; `close()` ends it. */
export function rawH2(origin: string) {
  const session = http2.connect(origin);
  session.on("error", () => undefined);
  return {
    request(
      path: string,
      headers: Record<string, string>,
      body: Uint8Array,
      method = "POST",
    ): Promise<RawAnswer> {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ":method": method, ":path": path, ...headers });
        const chunks: Buffer[] = [];
        let answerHeaders: http2.IncomingHttpHeaders = {};
        let trailers: http2.IncomingHttpHeaders = {};
        stream.on("response", (h: http2.IncomingHttpHeaders) => {
          answerHeaders = h;
        });
        stream.on("trailers", (t: http2.IncomingHttpHeaders) => {
          trailers = t;
        });
        stream.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
        });
        stream.on("error", reject);
        stream.on("end", () => {
          resolve({
            status: Number(answerHeaders[":status"]),
            headers: answerHeaders,
            trailers,
            body: Buffer.concat(chunks),
          });
        });
        stream.setTimeout(10_000, () => {
          stream.close(http2.constants.NGHTTP2_CANCEL);
        });
        stream.end(body);
      });
    },
    /**
     * Sends `head`, then up to `totalBytes` of `fill` bytes as fast as flow control
     * lets it, and stops writing as soon as the server answers. Returns the answer
     * and how many body bytes the server had taken by then: a server that refuses a
     * body early has taken far fewer than `totalBytes`. Never ends the body, unless
     * all of it was sent.
     */
    sendUntilAnswered(
      path: string,
      headers: Record<string, string>,
      head: Uint8Array,
      totalBytes: number,
      timeoutMs = 10_000,
    ): Promise<RawAnswer & { readonly bytesSent: number; readonly answeredEarly: boolean }> {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ":method": "POST", ":path": path, ...headers });
        const chunks: Buffer[] = [];
        let answerHeaders: http2.IncomingHttpHeaders | undefined;
        let trailers: http2.IncomingHttpHeaders = {};
        let sent = 0;
        let sentAtAnswer: number | undefined;
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = (): void => {
          while (answerHeaders === undefined && sent < totalBytes) {
            const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
            sent += piece.length;
            if (!stream.write(piece)) {
              stream.once("drain", pump);
              return;
            }
          }
          if (answerHeaders === undefined && sent >= totalBytes) stream.end();
        };
        stream.on("response", (h: http2.IncomingHttpHeaders) => {
          answerHeaders = h;
          sentAtAnswer = sent;
        });
        stream.on("trailers", (t: http2.IncomingHttpHeaders) => {
          trailers = t;
        });
        stream.on("data", (data: Buffer) => {
          chunks.push(data);
        });
        const finish = (): void => {
          if (answerHeaders === undefined) {
            reject(new Error(`no answer after ${sent} of ${totalBytes} bytes`));
            return;
          }
          resolve({
            status: Number(answerHeaders[":status"]),
            headers: answerHeaders,
            trailers,
            body: Buffer.concat(chunks),
            bytesSent: sentAtAnswer ?? sent,
            answeredEarly: (sentAtAnswer ?? sent) < totalBytes,
          });
          stream.close(http2.constants.NGHTTP2_CANCEL);
        };
        stream.on("end", finish);
        // A reset after the answer (the server refusing the rest of the body) is the point.
        stream.on("error", (error: Error) => {
          if (answerHeaders === undefined) reject(error);
          else finish();
        });
        stream.setTimeout(timeoutMs, () => {
          finish();
          stream.close(http2.constants.NGHTTP2_CANCEL);
        });
        stream.write(head);
        pump();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        session.close(() => {
          resolve();
        });
      }),
  };
}

/** A gRPC / gRPC-Web length-prefixed frame (flags byte + big-endian length). */
export function grpcFrame(payload: Uint8Array, flags = 0, declaredLength = payload.length): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([head, payload]);
}

/** The gRPC status of an answer: from trailers, or trailers-only headers. */
export function grpcStatus(answer: RawAnswer): number {
  const value = answer.trailers["grpc-status"] ?? answer.headers["grpc-status"];
  return Number(value);
}

/** The gRPC-Web status: the trailer frame (flag 0x80) in the body, or headers. */
export function grpcWebStatus(answer: RawAnswer): number {
  const header = answer.headers["grpc-status"];
  if (header !== undefined) return Number(header);
  let offset = 0;
  while (offset + 5 <= answer.body.length) {
    const flags = answer.body.readUInt8(offset);
    const length = answer.body.readUInt32BE(offset + 1);
    const frame = answer.body.subarray(offset + 5, offset + 5 + length);
    if ((flags & 0x80) !== 0) {
      const match = /grpc-status:\s*(\d+)/i.exec(frame.toString("utf8"));
      if (match?.[1] !== undefined) return Number(match[1]);
    }
    offset += 5 + length;
  }
  return Number.NaN;
}
