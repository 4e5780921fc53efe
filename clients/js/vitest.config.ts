import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@imagegen/client": fileURLToPath(new URL("./client/src/index.ts", import.meta.url)),
  "@imagegen/react": fileURLToPath(new URL("./react/src/index.ts", import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["client/test/**/*.test.ts", "react/test/**/*.test.ts?(x)"] } },
      {
        resolve: { alias },
        // Real api processes: one file at a time, generous timeouts on a loaded machine.
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 },
      },
      {
        resolve: { alias },
        test: { name: "browser", include: ["tests/browser/**/*.test.ts"], fileParallelism: false, testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
  },
});
