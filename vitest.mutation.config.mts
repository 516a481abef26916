// The unit suite as StrykerJS runs it (npm run mutation): the tests that prove behaviour, without
// the ones that compare files byte for byte (the registry's copies of lib/authz/, the README's
// examples, the generated API reference), which fail on any edit and would hide which mutants the
// real tests miss. Spread, not mergeConfig: mergeConfig concatenates `include`, which would bring
// the integration suite (real builds and servers) into every mutant's run.
import { defineConfig, configDefaults } from "vitest/config";
import base from "./vitest.config.mts";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["tests/unit/**/*.test.ts"],
    exclude: [
      ...configDefaults.exclude,
      "tests/unit/registry.test.ts",
      "tests/unit/readme.test.ts",
      "tests/unit/api-reference.test.ts",
    ],
  },
});
