// Boots OpenTelemetry once per process: spans go to an OTLP/HTTP (protobuf)
// collector such as Jaeger (and, when asked, to Zipkin too: exporters.ts), the W3C
// trace context crosses every boundary.
// With tracing disabled, context still propagates, so a trace started upstream
// is not cut in two by a service that does not export its own spans. At the edge
// (trustIncoming false, incoming-trust.ts) nothing received is continued.
import { context, diag, DiagLogLevel, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import type { TextMapPropagator } from "@opentelemetry/api";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import type { Logger } from "../logging/index.ts";
import {
  createSpanProcessors,
  DEFAULT_ZIPKIN_ENDPOINT,
  type TraceExporterName,
} from "./exporters.ts";
import { entryPackage } from "./entry-package.ts";
import { resolveTrustIncoming, untrustingPropagator } from "./incoming-trust.ts";

/** Options for {@link startTracing}. */
export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318; spans go to `${otlpEndpoint}/v1/traces`. */
  readonly otlpEndpoint: string;
  /** Where spans go (OTEL_TRACES_EXPORTER); default ["otlp"], [] exports nothing. */
  readonly exporters?: readonly TraceExporterName[];
  /** Zipkin's span endpoint (OTEL_EXPORTER_ZIPKIN_ENDPOINT), used when exporters has "zipkin". */
  readonly zipkinEndpoint?: string;
  /** False (OTEL_SDK_DISABLED) exports nothing but still propagates context. */
  readonly enabled: boolean;
  readonly instrumentations?: NodeSDKConfiguration["instrumentations"];
  /** Receives the SDK's own warnings and errors (e.g. an unreachable collector). */
  readonly logger?: Logger;
  /**
   * Continue the trace context and baggage that requests and messages carry; false
   * at the edge. Default: TRACE_TRUST_INCOMING, else the entry package's edge marker
   * (incoming-trust.ts), as the preload decides.
   */
  readonly trustIncoming?: boolean;
}

/** Handle returned by {@link startTracing}. */
export interface Tracing {
  /** Flushes pending spans and stops the SDK. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * The SDK started by the preload (`node --import @gifmesh/shared/tracing/register`).
 * The preload and main.ts share this module instance, so main.ts's own
 * `startTracing` call finds it here instead of starting a second SDK.
 */
let preloaded: (Tracing & { readonly serviceName: string }) | undefined;

/** The service name the preload exported under, if the preload ran. */
export function preloadedServiceName(): string | undefined {
  return preloaded?.serviceName;
}

/** Marks `tracing` as the process's SDK (called by the preload only). */
export function markPreloaded(tracing: Tracing, serviceName: string): void {
  preloaded = { shutdown: () => tracing.shutdown(), serviceName };
}

/** W3C trace context and baggage; with `trustIncoming` false, for injection only. */
function w3cPropagator(trustIncoming = true): TextMapPropagator {
  const w3c = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  return trustIncoming ? w3c : untrustingPropagator(w3c);
}

/**
 * Registers the W3C trace-context and baggage propagators (extracting nothing when
 * `trustIncoming` is false) and an AsyncLocalStorage context manager.
 */
export function registerContextPropagation(options: { trustIncoming?: boolean } = {}): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3cPropagator(options.trustIncoming));
}

/**
 * Starts the OpenTelemetry Node SDK and returns its handle; register `shutdown`
 * as the last closer. Auto-instrumentation only sees modules loaded after it
 * started, and ESM imports are hoisted: start services with the preload
 * (`node --import @gifmesh/shared/tracing/register src/main.ts`), which starts
 * the SDK first. This call then reuses that SDK and only attaches the logger.
 */
export function startTracing(options: TracingOptions): Tracing {
  attachDiagLogger(options.logger);
  if (preloaded) return preloaded;
  // Without the preload (the images' CMD), trust is decided as the preload decides
  // it: the gateway's own server spans (http-server-span.ts) extract with this
  // propagator, and at the edge it must extract nothing, tracing on or off.
  const trustIncoming =
    options.trustIncoming ?? resolveTrustIncoming(process.env.TRACE_TRUST_INCOMING, entryPackage());
  return startSdk({ ...options, trustIncoming });
}

/** Routes the SDK's own warnings (e.g. an unreachable collector) to the service log. */
function attachDiagLogger(logger: Logger | undefined): void {
  if (logger) {
    const log = logger.child({ component: "otel" });
    diag.setLogger(
      {
        error: (message) => {
          log.warn(message);
        },
        warn: (message) => {
          log.warn(message);
        },
        info: (message) => {
          log.debug(message);
        },
        debug: () => undefined,
        verbose: () => undefined,
      },
      DiagLogLevel.WARN,
    );
  }
}

/** Starts the SDK (or, disabled, only the propagators). Used by startTracing and the preload. */
export function startSdk(options: TracingOptions): Tracing {
  if (!options.enabled) {
    registerContextPropagation(
      options.trustIncoming === undefined ? {} : { trustIncoming: options.trustIncoming },
    );
    return { shutdown: () => Promise.resolve() };
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      }),
    ),
    spanProcessors: createSpanProcessors(options.exporters ?? ["otlp"], {
      otlpEndpoint: options.otlpEndpoint,
      zipkinEndpoint: options.zipkinEndpoint ?? DEFAULT_ZIPKIN_ENDPOINT,
    }),
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: w3cPropagator(options.trustIncoming),
    instrumentations: options.instrumentations ?? [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  let stopping: Promise<void> | undefined;
  return { shutdown: () => (stopping ??= sdk.shutdown()) };
}
