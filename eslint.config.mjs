import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      ".ci/**",
      "bin/**",
      "*.config.js",
      ".azure-package/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The pure core must not reach Azure or the machine: it depends on ports only (DESIGN.md).
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@azure/*", "@azure-rest/*", "applicationinsights"],
              message: "core is pure: use a port.",
            },
            {
              group: [
                "node:fs",
                "node:net",
                "node:http",
                "node:https",
                "node:dns",
                "fs",
                "net",
                "http",
                "https",
                "dns",
                "node:child_process",
              ],
              message: "core does no I/O: use a port.",
            },
            {
              group: ["../adapters/*", "../../adapters/*", "../functions/*", "../cli/*"],
              message: "core depends on ports only.",
            },
          ],
        },
      ],
    },
  },
);
