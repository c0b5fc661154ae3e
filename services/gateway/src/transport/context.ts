// Values middleware stores on the Hono context, typed once for every handler.
export {};

declare module "hono" {
  interface ContextVariableMap {
    /** Hash of the client's API key, when keys are in use (see api-key.ts). */
    clientKeyId: string;
  }
}
