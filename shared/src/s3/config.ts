// The S3_* variables, as a fragment services spread into their config schema,
// and the mapping from parsed config to client options.
import { bool, str, url } from "../config/index.ts";
import type { S3ClientOptions } from "./client.ts";

/**
 * `S3_ENDPOINT` (optional; unset for AWS), `S3_REGION` (us-east-1),
 * `S3_ACCESS_KEY_ID` / `S3_SECRET_ACCESS_KEY` (optional: default credential chain),
 * `S3_BUCKET` (gifmesh), `S3_FORCE_PATH_STYLE` (default: true when an endpoint is set).
 *
 * @example baseConfigSchema({ adminPort: 9466 }).extend(s3ConfigShape)
 */
export const s3ConfigShape = {
  S3_ENDPOINT: url().optional(),
  S3_REGION: str("us-east-1"),
  S3_ACCESS_KEY_ID: str().optional(),
  S3_SECRET_ACCESS_KEY: str().optional(),
  S3_BUCKET: str("gifmesh"),
  S3_FORCE_PATH_STYLE: bool().optional(),
};

/** The parsed S3 variables. */
export interface S3Config {
  readonly S3_ENDPOINT?: string | undefined;
  readonly S3_REGION: string;
  readonly S3_ACCESS_KEY_ID?: string | undefined;
  readonly S3_SECRET_ACCESS_KEY?: string | undefined;
  readonly S3_BUCKET: string;
  readonly S3_FORCE_PATH_STYLE?: boolean | undefined;
}

/** Maps parsed S3_* config to {@link createS3Client} options. */
export function s3ClientOptions(config: S3Config): S3ClientOptions {
  return {
    region: config.S3_REGION,
    ...(config.S3_ENDPOINT === undefined ? {} : { endpoint: config.S3_ENDPOINT }),
    ...(config.S3_ACCESS_KEY_ID === undefined ? {} : { accessKeyId: config.S3_ACCESS_KEY_ID }),
    ...(config.S3_SECRET_ACCESS_KEY === undefined
      ? {}
      : { secretAccessKey: config.S3_SECRET_ACCESS_KEY }),
    ...(config.S3_FORCE_PATH_STYLE === undefined
      ? {}
      : { forcePathStyle: config.S3_FORCE_PATH_STYLE }),
  };
}
