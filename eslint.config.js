// Lint rules for every workspace. Type-aware rules run through the project service,
// so each package's tsconfig.json decides what is checked.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layer rules of every service (hexagonal: domain ← application ← adapters), as
// import restrictions, so `make lint` fails when one is broken:
// - domain imports nothing of application, infrastructure or transport;
// - application imports neither infrastructure nor transport: it declares ports;
// - transport reaches infrastructure only through those ports (types included);
// - a service never imports another service, by package name or by path.
// Only the composition (<service>.ts, main.ts, startup/) joins the adapters.
const SERVICES = ["file-worker", "gateway", "giphy-fixture", "storage"];
const LAYER_BANS = {
  domain: ["application", "infrastructure", "transport"],
  application: ["infrastructure", "transport"],
  transport: ["infrastructure"],
};

function otherServices(service) {
  const others = SERVICES.filter((name) => name !== service);
  return [
    ...others.map((name) => ({
      group: [`@gifmesh/${name}`, `@gifmesh/${name}/**`, `**/${name}/src/**`],
      message: `services never import each other: share the rule through @gifmesh/shared/contracts`,
    })),
  ];
}

function layerRules() {
  const blocks = [];
  for (const service of SERVICES) {
    const crossService = otherServices(service);
    // Tests may drive the Giphy fixture (the stand-in for an outside service).
    blocks.push({
      files: [`services/${service}/src/**/*.ts`],
      ignores: ["**/*.test.ts"],
      rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: crossService }] },
    });
    for (const [layer, banned] of Object.entries(LAYER_BANS)) {
      blocks.push({
        files: [`services/${service}/src/${layer}/**/*.ts`],
        ignores: ["**/*.test.ts"],
        rules: {
          "@typescript-eslint/no-restricted-imports": [
            "error",
            {
              patterns: [
                ...crossService,
                ...banned.map((target) => ({
                  group: [`**/${target}/**`, `../${target}`],
                  message: `the ${layer} layer does not import ${target}: declare a port in application/`,
                })),
              ],
            },
          ],
        },
      });
    }
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "gen/**", ".cache/**", ".data/**", "**/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  ...layerRules(),
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["scripts/**", "**/bench/**"],
    rules: { "no-console": "off" },
  },
);
