// Public face of @gifmesh/shared/admin: /metrics, /healthz and /readyz.
export { startAdminServer, type AdminServer, type AdminServerOptions } from "./admin-server.ts";
export {
  READINESS_CODE,
  runReadiness,
  type CheckResult,
  type ReadinessCheck,
  type ReadinessCode,
  type ReadinessReport,
} from "./readiness.ts";
export {
  startReadinessProbe,
  type ReadinessProbe,
  type ReadinessProbeOptions,
  type ReadinessState,
} from "./readiness-probe.ts";
