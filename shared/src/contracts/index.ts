// The Protobuf contracts of gifmesh, generated into gen/ by `buf generate`.
// Services import them from here so that the path to gen/ lives in one place.
export * from "../../../gen/gifmesh/gif/v1/gif_pb.js";
export * from "../../../gen/gifmesh/storage/v1/storage_pb.js";
export * from "../../../gen/gifmesh/archive/v1/events_pb.js";
export * from "../../../gen/grpc/health/v1/health_pb.js";
// The two reflection versions share message names, so each keeps its namespace.
export * as reflectionV1 from "../../../gen/grpc/reflection/v1/reflection_pb.js";
export * as reflectionV1alpha from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
export {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ARCHIVE_TOPIC_PARTITIONS,
  ARCHIVE_TOPICS,
  archiveTopicSpecs,
  type ArchiveTopicLayout,
  type ArchiveTopicRole,
  type ArchiveTopicSpec,
} from "./topics.ts";
export { GIF_ID_PATTERN, GIF_ID_RULE, isGifId } from "./gif-id.ts";
export { GIPHY_FIXTURE_API_KEY } from "./giphy-fixture.ts";
export { bearer, STORAGE_RPC_AUTH_HEADER, tokenMatches } from "./storage-rpc-auth.ts";
export {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_MAX_BYTES,
  deadLetterCopy,
  MAX_KEPT_KEY_BYTES,
  TRUNCATION_HEADERS,
  type DeadLetterCopy,
} from "./dead-letter.ts";
export {
  ARCHIVE_CONTENT_TYPES,
  contentAddressedKey,
  isArchiveContentType,
  parseContentAddressedKey,
} from "./object-key.ts";
