// A throw-away certificate authority for tests of TLS connections (Kafka SASL_SSL,
// PostgreSQL verify-full, Redis tls-port): a CA and the certificates it issues, made
// with the machine's openssl into a temp dir that goes at the end of the test file.
// EC P-256 keys, unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), valid for two days: what
// Java (Kafka's PEM key store), OpenSSL (librdkafka, PostgreSQL, Redis) and Node accept.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTempDir } from "./temp-dir.ts";

/** A certificate and its key, as files and as PEM text. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface IssueOptions {
  /** Subject alternative names: IPs (127.0.0.1, ::1) or DNS names; default 127.0.0.1 and localhost. */
  readonly hosts?: readonly string[];
}

export interface TestPki {
  readonly dir: string;
  /** The CA's certificate: what a client trusts. */
  readonly ca: TestCertificate;
  /** A certificate for `name` (its CN and file names) signed by this CA, for servers and clients. */
  issue(name: string, options?: IssueOptions): TestCertificate;
}

const DAYS = "2";

function openssl(args: readonly string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

function certificate(dir: string, name: string): TestCertificate {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return {
    certFile,
    keyFile,
    certPem: readFileSync(certFile, "utf8"),
    keyPem: readFileSync(keyFile, "utf8"),
  };
}

/** A name as a file name stem. */
const fileName = (name: string) => name.replace(/[^\w.-]/g, "_");

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"];

/**
 * `openssl req` arguments that make a new P-256 key, `<stem>.key`, and `out` for CN
 * `cn`: a self-signed certificate (`-x509`) or a signing request (`-new`).
 */
function newKeyRequest(mode: "-x509" | "-new", stem: string, out: string, cn: string): string[] {
  return ["req", mode, ...EC_KEY, "-keyout", `${stem}.key`, "-out", out, "-subj", `/CN=${cn}`];
}

/** Creates a new CA (CN `caName`) in its own temp dir. */
export function createTestPki(caName = "gifmesh test CA"): TestPki {
  const { path: dir } = createTempDir("gifmesh-pki-");
  const ca = fileName(caName);
  openssl(
    [
      ...newKeyRequest("-x509", ca, `${ca}.pem`, caName),
      "-days",
      DAYS,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  return {
    dir,
    ca: certificate(dir, ca),
    issue(name, options = {}) {
      const leaf = fileName(name);
      const hosts = options.hosts ?? ["127.0.0.1", "localhost"];
      const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(",");
      writeFileSync(
        join(dir, `${leaf}.ext`),
        [
          "basicConstraints=CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth,clientAuth",
          `subjectAltName=${san}`,
        ].join("\n") + "\n",
      );
      openssl(newKeyRequest("-new", leaf, `${leaf}.csr`, name), dir);
      openssl(
        [
          "x509",
          "-req",
          "-in",
          `${leaf}.csr`,
          "-CA",
          `${ca}.pem`,
          "-CAkey",
          `${ca}.key`,
          "-set_serial",
          `0x${randomBytes(8).toString("hex")}`,
          "-days",
          DAYS,
          "-extfile",
          `${leaf}.ext`,
          "-out",
          `${leaf}.pem`,
        ],
        dir,
      );
      return certificate(dir, leaf);
    },
  };
}
