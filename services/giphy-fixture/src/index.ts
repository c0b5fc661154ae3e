// Public face of @gifmesh/giphy-fixture: start a private Giphy stand-in from a test.
export {
  createFixtureServer,
  FIXTURE_API_KEY,
  type FixtureServer,
  type FixtureServerOptions,
} from "./server.ts";
export { faultSchema, type Fault } from "./faults.ts";
export type { FixtureStats, CallRecord, Endpoint } from "./stats.ts";
export {
  createCatalogue,
  CATALOGUE_SIZE,
  type Catalogue,
  type GifSpec,
} from "./catalogue/catalogue.ts";
export {
  renderGif,
  renditionHash,
  renditionShape,
  renditionSize,
  RENDITIONS,
  type RenditionName,
} from "./media/render-gif.ts";
