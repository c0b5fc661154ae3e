// Public face of @gifmesh/shared/s3: client construction, bucket bootstrap, S3_* config.
export { createS3Client, type S3ClientOptions } from "./client.ts";
export { bucketReadinessCheck, ensureBucket } from "./ensure-bucket.ts";
export { s3ClientOptions, s3ConfigShape, type S3Config } from "./config.ts";
