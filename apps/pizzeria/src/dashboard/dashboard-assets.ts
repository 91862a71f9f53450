import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A file the dashboard serves, read once. */
export interface DashboardAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong ETag of the content, so reloads revalidate instead of downloading again. */
  readonly etag: string;
}

const PUBLIC_DIR = new URL('../../public/', import.meta.url);
const require = createRequire(import.meta.url);
const uplotDist = (file: string) => require.resolve(`uplot/dist/${file}`);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Every file the dashboard page loads, by the name it is served under (`/assets/<name>`): the
 * page's own modules and styles from `public/`, and uPlot from its npm package. A fixed list: no
 * path from a request ever reaches the file system, and nothing comes from a CDN, so the page
 * works offline.
 */
const FILES: Readonly<Record<string, string>> = {
  'index.html': fileURLToPath(new URL('index.html', PUBLIC_DIR)),
  'dashboard.css': fileURLToPath(new URL('dashboard.css', PUBLIC_DIR)),
  'dashboard.js': fileURLToPath(new URL('dashboard.js', PUBLIC_DIR)),
  'api.js': fileURLToPath(new URL('api.js', PUBLIC_DIR)),
  'charts.js': fileURLToPath(new URL('charts.js', PUBLIC_DIR)),
  'panels.js': fileURLToPath(new URL('panels.js', PUBLIC_DIR)),
  'controls.js': fileURLToPath(new URL('controls.js', PUBLIC_DIR)),
  'favicon.svg': fileURLToPath(new URL('favicon.svg', PUBLIC_DIR)),
  'uPlot.esm.js': uplotDist('uPlot.esm.js'),
  'uPlot.min.css': uplotDist('uPlot.min.css'),
};

/** The names under which assets are served. */
export const ASSET_NAMES: readonly string[] = Object.keys(FILES).filter((name) => name !== 'index.html');

const cache = new Map<string, DashboardAsset>();

/** The asset called `name`, or undefined for a name not on the list. */
export function dashboardAsset(name: string): DashboardAsset | undefined {
  const path = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (path === undefined) return undefined;
  let asset = cache.get(name);
  if (asset === undefined) {
    const body = readFileSync(path);
    const extension = name.slice(name.lastIndexOf('.'));
    asset = {
      body,
      contentType: TYPES[extension] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    cache.set(name, asset);
  }
  return asset;
}
