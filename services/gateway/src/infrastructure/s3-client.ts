// The S3 client for reading archived media (path-style, explicit endpoint and
// region, as versitygw and MinIO need). Written here until @gifmesh/shared/s3 lands.
import { S3Client } from "@aws-sdk/client-s3";

export interface S3Options {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly forcePathStyle: boolean;
}

export function createS3(options: S3Options): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    maxAttempts: 2,
  });
}
