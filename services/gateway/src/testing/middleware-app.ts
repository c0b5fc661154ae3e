// A bare Hono app for the middleware tests: the middleware under test in the order
// given, errors answered as app.ts answers them (errorResponse), and, where a test
// needs them, the common response headers first, as app.ts puts them, with test
// values (any origin, no CORS areas).
import { Hono, type MiddlewareHandler } from "hono";
import "../transport/context.ts";
import { errorResponse, toGatewayError } from "../transport/error-response.ts";
import {
  responseHeaders,
  type ResponseHeadersOptions,
} from "../transport/middleware/response-headers.ts";

/** responseHeaders with test values; `options` replace them. */
export function testResponseHeaders(
  options: Partial<ResponseHeadersOptions> = {},
): MiddlewareHandler {
  return responseHeaders({
    csp: "default-src 'self'",
    corsOrigins: ["*"],
    exposeHeaders: [],
    corsPrefixes: [],
    ...options,
  });
}

/** An app running `middleware` in order before the routes the test adds. */
export function middlewareApp(...middleware: MiddlewareHandler[]): Hono {
  const app = new Hono();
  for (const handler of middleware) app.use(handler);
  app.onError((error, c) => errorResponse(c, toGatewayError(error)));
  return app;
}
