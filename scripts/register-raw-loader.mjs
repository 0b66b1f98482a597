// `node --import tsx --import ./scripts/register-raw-loader.mjs <entry>`: registers raw-loader.mjs
// (Vite-style `?raw` imports in Node). Registered after tsx, so its load hook runs first.
import { register } from 'node:module';

register('./raw-loader.mjs', import.meta.url);
