// Docker HEALTHCHECK for the gifmesh images, which carry no curl or wget:
// GET $HEALTHCHECK_URL (the admin port's /healthz), exit 0 on a 2xx answer
// within 2 seconds, 1 otherwise. Liveness only: readiness is /readyz.
const url = process.env.HEALTHCHECK_URL ?? "http://127.0.0.1:9464/healthz";
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
