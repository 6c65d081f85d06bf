// Copies the MapLibre GL dist files and licence from node_modules into vendor/ (committed, so the page works offline).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(web, 'node_modules', 'maplibre-gl');
const dst = join(web, 'vendor', 'maplibre-gl');
mkdirSync(dst, { recursive: true });
for (const [from, to] of [['dist/maplibre-gl.js', 'maplibre-gl.js'], ['dist/maplibre-gl.css', 'maplibre-gl.css'],
                          ['LICENSE.txt', 'LICENSE.txt']]) {
  copyFileSync(join(src, from), join(dst, to));
}
console.log(`vendored maplibre-gl into ${dst}`);
