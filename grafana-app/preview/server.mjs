// The preview host: plays Grafana's part for the built plugin so it can be seen and tested without
// Grafana. It serves dist/ under public/plugins/<id>/ as Grafana does, a page that loads the modules with
// SystemJS and provides the shared packages, Grafana's settings endpoints, and the plugin proxy routes
// of dist's plugin.json files for a chosen fake user.
//
//   BALLAST_URL=http://127.0.0.1:4680 BALLAST_PREVIEW_APP_KEY=... node grafana-app/preview/server.mjs
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { matchRoute, proxiedRequest, refusal } from './proxyRoutes.mjs';
import { buildShared } from './buildShared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '..', 'dist');
const require_ = (p) => fileURLToPath(import.meta.resolve(p));
const iconsDir = join(dirname(require_('@grafana/ui/package.json')), 'dist', 'public', 'img', 'icons');

export const USERS = {
  admin: { login: 'admin', role: 'Admin' },
  editor: { login: 'editor@example.com', role: 'Editor' },
  // A second Editor: the other person a two-person rule (stabilize approval) needs.
  sre: { login: 'sre@example.com', role: 'Editor' },
  viewer: { login: 'viewer@example.com', role: 'Viewer' },
};

const TYPES = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.html': 'text/html',
  '.map': 'application/json',
  '.md': 'text/markdown',
  '.css': 'text/css',
};

/** Every plugin in dist/: the app and its nested plugins, by id, with their folders. */
function loadPlugins() {
  const found = {};
  for (const dir of ['', 'datasource', 'panels/timeline', 'panels/burnrate', 'panels/stabilize']) {
    const file = join(dist, dir, 'plugin.json');
    if (!existsSync(file))
      throw new Error(`${file} is missing: build first (yarn workspace @ballast/grafana-app build)`);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    found[json.id] = { json, dir: join(dist, dir) };
  }
  return found;
}

export async function startPreview({
  ballastUrl = process.env.BALLAST_URL ?? 'http://127.0.0.1:4680',
  appKey = process.env.BALLAST_PREVIEW_APP_KEY ?? process.env.BALLAST_API_KEY ?? '',
  dataSourceKey = process.env.BALLAST_PREVIEW_DS_KEY ?? appKey,
  port = Number(process.env.BALLAST_PREVIEW_PORT ?? 4690),
  host = '127.0.0.1',
  defaultUser = process.env.BALLAST_PREVIEW_USER ?? 'admin',
} = {}) {
  const plugins = loadPlugins();
  const appId = Object.keys(plugins).find((id) => plugins[id].json.type === 'app');
  const dsId = Object.keys(plugins).find((id) => plugins[id].json.type === 'datasource');
  const sharedFile = await buildShared();
  // Grafana keeps these in its database; secureJsonData never leaves the server.
  const appSettings = {
    enabled: true,
    pinned: true,
    jsonData: { url: ballastUrl },
    secureJsonData: appKey ? { apiKey: appKey } : {},
  };
  const dataSource = {
    uid: 'ballast-events',
    name: 'Ballast events',
    type: dsId,
    jsonData: { url: ballastUrl },
    secureJsonData: dataSourceKey ? { apiKey: dataSourceKey } : {},
  };

  const userOf = (req) => {
    const cookie = /(?:^|;\s*)preview-user=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1];
    return USERS[cookie] ?? USERS[defaultUser] ?? USERS.admin;
  };

  const send = (res, status, body, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const readBody = async (req) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks);
  };

  async function proxy(req, res, pluginJson, settings, proxyPath, search) {
    const user = userOf(req);
    const route = matchRoute(pluginJson.routes ?? [], req.method, proxyPath);
    if (!route)
      return send(res, 404, { message: `no proxy route of ${pluginJson.id} matches ${req.method} ${proxyPath}` });
    const why = refusal(route, pluginJson, user);
    if (why) return send(res, 403, { message: why });
    let target;
    try {
      target = proxiedRequest(route, proxyPath, search, settings, user, req.headers);
    } catch (err) {
      return send(res, 500, { message: `Could not generate plugin route header: ${err.message}` });
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    let upstream;
    try {
      upstream = await fetch(target.url, { method: req.method, headers: target.headers, body, signal: ac.signal });
    } catch (err) {
      return send(res, 502, { message: `Bad Gateway: ${err.message}` });
    }
    const headers = {};
    for (const [k, v] of upstream.headers)
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) headers[k] = v;
    res.writeHead(upstream.status, headers);
    if (!upstream.body) return res.end();
    Readable.fromWeb(upstream.body)
      .on('error', () => res.end())
      .pipe(res);
  }

  function serveFile(res, file) {
    if (!existsSync(file) || !statSync(file).isFile()) return send(res, 404, { message: 'not found' });
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  }

  const staticFiles = {
    '/preview/host.js': join(here, 'host.js'),
    '/preview/style.css': join(here, 'style.css'),
    '/preview/vendor/shared.js': sharedFile,
    '/preview/vendor/system.js': require_('systemjs/dist/system.min.js'),
    '/preview/vendor/amd.js': require_('systemjs/dist/extras/amd.min.js'),
    // Grafana ships uPlot's stylesheet in its own CSS; @grafana/ui's plots need it.
    '/preview/vendor/uPlot.min.css': join(dirname(require_('uplot')), 'uPlot.min.css'),
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://preview');
      const path = url.pathname;
      let m;
      if (staticFiles[path]) return serveFile(res, staticFiles[path]);
      if ((m = /^\/public\/build\/img\/icons\/([a-z-]+\/[a-z0-9-]+\.svg)$/.exec(path))) {
        // Grafana serves @grafana/ui's icons from public/build; so does the host.
        return serveFile(res, join(iconsDir, m[1]));
      }
      if ((m = /^\/public\/plugins\/([a-z0-9-]+)\/(.+)$/.exec(path))) {
        const plugin = plugins[m[1]];
        if (!plugin) return send(res, 404, { message: `plugin ${m[1]} not found` });
        const file = normalize(join(plugin.dir, m[2]));
        if (!file.startsWith(plugin.dir)) return send(res, 400, { message: 'bad path' });
        return serveFile(res, file);
      }
      if ((m = /^\/api\/plugin-proxy\/([a-z0-9-]+)\/(.*)$/.exec(path))) {
        if (m[1] !== appId) return send(res, 404, { message: `plugin ${m[1]} is not an app here` });
        return proxy(req, res, plugins[appId].json, appSettings, m[2], url.search);
      }
      if ((m = /^\/api\/datasources\/proxy\/uid\/([^/]+)\/(.*)$/.exec(path))) {
        if (m[1] !== dataSource.uid) return send(res, 404, { message: 'Data source not found' });
        return proxy(req, res, plugins[dsId].json, dataSource, m[2], url.search);
      }
      if (path === `/api/plugins/${appId}/settings`) {
        if (req.method === 'GET') {
          return send(res, 200, {
            id: appId,
            type: 'app',
            name: plugins[appId].json.name,
            enabled: appSettings.enabled,
            pinned: appSettings.pinned,
            jsonData: appSettings.jsonData,
            // Grafana tells which secrets are set, never their values.
            secureJsonFields: Object.fromEntries(Object.keys(appSettings.secureJsonData).map((k) => [k, true])),
            info: plugins[appId].json.info,
            includes: plugins[appId].json.includes,
            baseUrl: `public/plugins/${appId}`,
            module: `public/plugins/${appId}/module.js`,
          });
        }
        if (req.method === 'POST') {
          if (userOf(req).role !== 'Admin') return send(res, 403, { message: 'Permission denied' });
          const body = JSON.parse((await readBody(req)).toString() || '{}');
          appSettings.enabled = body.enabled ?? appSettings.enabled;
          appSettings.pinned = body.pinned ?? appSettings.pinned;
          if (body.jsonData) appSettings.jsonData = body.jsonData;
          if (body.secureJsonData)
            appSettings.secureJsonData = { ...appSettings.secureJsonData, ...body.secureJsonData };
          return send(res, 200, { message: 'Plugin settings updated' });
        }
      }
      if (path === '/api/preview/boot') {
        const user = userOf(req);
        return send(res, 200, {
          user,
          users: USERS,
          appId,
          dataSource: {
            uid: dataSource.uid,
            name: dataSource.name,
            type: dataSource.type,
            jsonData: dataSource.jsonData,
            url: `/api/datasources/proxy/uid/${dataSource.uid}`,
          },
          plugins: Object.fromEntries(
            Object.entries(plugins).map(([id, p]) => [
              id,
              { type: p.json.type, name: p.json.name, module: `public/plugins/${id}/module.js`, info: p.json.info },
            ]),
          ),
        });
      }
      if (path === '/favicon.ico') return send(res, 204, '');
      if (req.method === 'GET' && !path.startsWith('/api/')) {
        // Grafana writes its boot data into the page before any script: @grafana/runtime reads it on load.
        const user = userOf(req);
        const bootData = {
          user: { login: user.login, orgRole: user.role, isSignedIn: true, orgId: 1, timezone: 'browser' },
          settings: {
            buildInfo: { version: '12.3.0', edition: 'Preview' },
            featureToggles: {},
            datasources: {},
            panels: {},
            apps: {},
          },
          navTree: [],
        };
        const html = readFileSync(join(here, 'index.html'), 'utf8').replace(
          '<!--boot-data-->',
          `<script>window.__grafana_public_path__ = '/public/'; window.grafanaBootData = ${JSON.stringify(bootData).replace(/</g, '\\u003c')};</script>`,
        );
        return send(res, 200, html, 'text/html');
      }
      return send(res, 404, { message: 'not found' });
    } catch (err) {
      if (!res.headersSent) send(res, 500, { message: err.message });
      else res.end();
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  startPreview().then(
    (p) =>
      console.log(
        `Ballast preview (Grafana's part played here) on ${p.url}  — pages: ${p.url}/a/ballast-reliability-app/timeline`,
      ),
    (err) => {
      console.error(`preview: ${err.message}`);
      process.exit(1);
    },
  );
}
