// The tracing preload. Start every service with
//   node --import @gifmesh/shared/tracing/register src/main.ts
// ESM imports are hoisted, so by the time main.ts runs, pg, ioredis, undici and
// the AWS SDK are loaded: instrumentation must be in place before that. This
// module registers import-in-the-middle's loader hook (for modules that ESM
// imports, CommonJS ones included) and starts the SDK with the auto-
// instrumentations, configured from the environment:
//   OTEL_SERVICE_NAME            default: the entry script's package name without scope
//   OTEL_EXPORTER_OTLP_ENDPOINT  default http://127.0.0.1:4318
//   OTEL_TRACES_EXPORTER         otlp (default), zipkin, both (otlp,zipkin) or none
//   OTEL_EXPORTER_ZIPKIN_ENDPOINT default http://127.0.0.1:9411/api/v2/spans
//   OTEL_SDK_DISABLED            "true" exports nothing but still propagates context
//   TRACE_TRUST_INCOMING         continue received trace context and baggage; default
//                                true, false for a package marked `"gifmesh": { "edge": true }`
//                                (the gateway): incoming-trust.ts
// main.ts keeps calling startTracing(), which then reuses this SDK.
import { createAddHookMessageChannel } from "import-in-the-middle";
import { register as registerSyncHooks } from "import-in-the-middle/register-hooks.mjs";
import { DEFAULT_ZIPKIN_ENDPOINT, parseTraceExporters } from "./exporters.ts";
import { entryPackage } from "./entry-package.ts";
import { resolveTrustIncoming } from "./incoming-trust.ts";
import { createInstrumentations } from "./instrumentations.ts";
import { markPreloaded, startSdk } from "./start-tracing.ts";

const env = process.env;
const pkg = entryPackage();
const serviceName = env.OTEL_SERVICE_NAME ?? pkg.name?.replace(/^@[^/]+\//, "") ?? "unknown";
const enabled = !/^(true|1|yes|on)$/i.test(env.OTEL_SDK_DISABLED ?? "");
const trustIncoming = resolveTrustIncoming(env.TRACE_TRUST_INCOMING, pkg);

if (enabled) {
  // Only modules an instrumentation hooks are wrapped; everything else (our .ts
  // files included) loads untouched.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  // In-thread hooks (module.registerHooks, Node >= 24.11.1 as package.json's engines
  // require): the off-thread loader of module.register runs a second V8 isolate for
  // the process's whole life, about 40 MB of RSS in every traced service, and pays a
  // message round trip per module loaded. The hook list still arrives over the
  // channel, so the same modules are wrapped.
  registerSyncHooks(registerOptions.data as Parameters<typeof registerSyncHooks>[0]);
  const tracing = startSdk({
    serviceName,
    ...(pkg.version ? { serviceVersion: pkg.version } : {}),
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318",
    exporters: parseTraceExporters(env.OTEL_TRACES_EXPORTER),
    zipkinEndpoint: env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? DEFAULT_ZIPKIN_ENDPOINT,
    enabled,
    trustIncoming,
    instrumentations: createInstrumentations(),
  });
  markPreloaded(tracing, serviceName);
  await waitForAllMessagesAcknowledged();
} else {
  markPreloaded(
    startSdk({ serviceName, otlpEndpoint: "http://127.0.0.1:1", enabled, trustIncoming }),
    serviceName,
  );
}
