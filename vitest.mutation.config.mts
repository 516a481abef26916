// The unit suite as StrykerJS runs it (npm run mutation): the tests that prove behaviour, without
// the ones that compare files byte for byte (the registry's copies of lib/authz/, the README's
// examples, the generated API reference), which fail on any edit and would hide which mutants the
// real tests miss.
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.mts";

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["tests/unit/**/*.test.ts"],
      exclude: [
        "tests/unit/registry.test.ts",
        "tests/unit/readme.test.ts",
        "tests/unit/api-reference.test.ts",
      ],
    },
  }),
);
