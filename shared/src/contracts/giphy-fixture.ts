// The API key of the Giphy stand-in (services/giphy-fixture). Storage uses it when
// GIPHY_API_KEY is unset and GIPHY_BASE_URL points at the fixture, so `make up` and
// the tests need no key; the fixture refuses any other key as Giphy does.
export const GIPHY_FIXTURE_API_KEY = "gifmesh-fixture-key";
