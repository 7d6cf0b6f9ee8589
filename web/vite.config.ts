import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the api at /console (same origin, no CDN): every asset is bundled.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, manifest: true, chunkSizeWarningLimit: 700 },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
