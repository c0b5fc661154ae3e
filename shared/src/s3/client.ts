// One way to build the S3 client, for AWS and for S3-compatible servers alike:
// an explicit endpoint switches to path-style addressing, which local servers
// (versitygw, MinIO) need because they have no wildcard DNS for bucket names.
import { S3Client } from "@aws-sdk/client-s3";

/** Options for {@link createS3Client}. */
export interface S3ClientOptions {
  /** Omit for real AWS; e.g. http://127.0.0.1:9000 for the local server. */
  readonly endpoint?: string;
  readonly region: string;
  /** Omit both keys to use the SDK's default credential chain (env, profile, IAM role). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** Default: true when `endpoint` is set. */
  readonly forcePathStyle?: boolean;
  /** SDK attempts per request (default 3). */
  readonly maxAttempts?: number;
}

/** Creates an S3 client; pass an `abortSignal` to each `send` so cancellation flows down. */
export function createS3Client(options: S3ClientOptions): S3Client {
  const { accessKeyId, secretAccessKey } = options;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error(
      "S3 credentials need both an access key id and a secret access key, or neither",
    );
  }
  return new S3Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey } }
      : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}
