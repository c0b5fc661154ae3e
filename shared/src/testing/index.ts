// @gifmesh/shared/testing: private, disposable copies of the real servers for
// integration tests that must stop one (Kafka, Redis, S3) or cut one off
// (a TCP proxy in front of PostgreSQL), free ports, the services as child processes
// (service-process.ts), one polling wait (waitFor) and the addresses of the shared
// servers (infra.ts), and startTestStack (stack.ts), the whole gifmesh of one test
// run. Test code only: no service imports this at run time.
export { freePort, tcpOpen, waitForPort, type WaitForPortOptions } from "./ports.ts";
export {
  startServerProcess,
  withOutput,
  REPO_ROOT,
  CACHE_DIR,
  type ServerProcess,
} from "./server-process.ts";
export { startPrivateKafka, type PrivateKafka, type PrivateKafkaOptions } from "./kafka.ts";
export { startPrivateRedis, type PrivateRedis } from "./redis.ts";
export { startPrivateS3, type PrivateS3, type PrivateS3Options } from "./s3.ts";
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from "./tcp-proxy.ts";
export {
  startPrivatePostgres,
  type PrivatePostgres,
  type PrivatePostgresOptions,
} from "./postgres.ts";
export {
  cleanupScope,
  deferCleanup,
  pendingCleanups,
  runCleanups,
  type CleanupScope,
  type Dispose,
} from "./cleanup.ts";
export { testId, testRunId, TEST_RUN_ENV } from "./test-run.ts";
export { createTempDir, type TempDir } from "./temp-dir.ts";
export {
  createTestPki,
  type IssueOptions,
  type TestCertificate,
  type TestPki,
} from "./test-pki.ts";
export { deferKafkaCleanup, deleteKafkaNames, type KafkaNames } from "./kafka-cleanup.ts";
export { testKafka, withKafkaAdmin } from "./test-kafka.ts";
export { alive, descendants, signalAll } from "./process-tree.ts";
export { captureLogLines, type LogLines } from "./log-lines.ts";
export { waitFor, type Check, type WaitForOptions } from "./wait-for.ts";
export { headlessChromium, type ChromiumLaunch } from "./chromium.ts";
export { testRedis, type TestRedis } from "./test-redis.ts";
export {
  answersOk,
  readyz,
  restartableService,
  spawnService,
  startService,
  type Readiness,
  type RestartableService,
  type ServiceOptions,
  type ServiceProcess,
} from "./service-process.ts";
export { infra, requireReachable, sharedServers } from "./infra.ts";
export {
  startTestStack,
  type ExternalGiphy,
  type FixtureChild,
  type StackInfra,
  type StackService,
  type TestStack,
  type TestStackOptions,
} from "./stack.ts";
