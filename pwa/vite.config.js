import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  build: { target: 'es2020', sourcemap: false, assetsInlineLimit: 0 },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false, // main.js registers it through workbox-window
      registerType: 'prompt',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        // The console's map and chart libraries load on a desktop, online, when opened: a
        // phone on a bad network never downloads them with the app.
        globIgnores: ['**/charts-*', '**/leaflet*', '**/MarkerCluster*', '**/layers*', '**/marker-*'],
      },
      manifest: {
        name: '综合执法 fieldcase',
        short_name: '综合执法',
        description: '乡镇综合行政执法现场终端',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0a4f8f',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
