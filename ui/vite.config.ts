import { defineConfig } from "vite";

// The UI is served by Tauri from ui/dist (see src-tauri/tauri.conf.json).
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Two pages: the main window and the session-script window.
    rollupOptions: { input: { main: "index.html", script: "script.html" } },
  },
});
