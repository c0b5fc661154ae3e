// Values middleware stores on the Hono context, typed once for every handler.
export {};

declare module "hono" {
  interface ContextVariableMap {
    /** Hash of the client's API key, when keys are in use (see api-key.ts). */
    clientKeyId: string;
    /** The request id (X-Request-Id, meta.response_id, access log). */
    requestId: string;
    /** Per-request headers recorded by middleware (middleware/response-headers.ts). */
    outHeaders: Record<string, string>;
    /** The precomputed security/CORS headers that apply to this request. */
    staticHeaders: Readonly<Record<string, string>>;
    /** Set when the handler answered with one plain header record (fast-body.ts). */
    fastResponse: boolean;
  }
}
