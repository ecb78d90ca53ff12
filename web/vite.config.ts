/**
 * Builds the web UI into `web/dist`, which the service serves at `/`. In development,
 * `npx vite web` proxies the APIs to a service on :8080.
 */
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const api = { target: "http://127.0.0.1:8080", changeOrigin: false };

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: (id) =>
          id.includes("node_modules/echarts") || id.includes("node_modules/zrender")
            ? "echarts"
            : undefined,
      },
    },
  },
  server: { proxy: { "/api": api, "/cubejs-api": api, "/sdk": api } },
});
