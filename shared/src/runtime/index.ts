// Public face of @gifmesh/shared/runtime: the first lines of every service's main.ts.
export { startServiceRuntime, type ServiceRuntime } from "./service-runtime.ts";
export {
  runService,
  type RunnableService,
  type RunServiceOptions,
  type StartedService,
} from "./run-service.ts";
