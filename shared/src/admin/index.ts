// Public face of @gifmesh/shared/admin: /metrics, /healthz and /readyz.
export { startAdminServer, type AdminServer, type AdminServerOptions } from "./admin-server.ts";
export {
  runReadiness,
  type CheckResult,
  type ReadinessCheck,
  type ReadinessReport,
} from "./readiness.ts";
