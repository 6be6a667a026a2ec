// Grafana's part, in the browser: provides the shared packages to SystemJS under their bare names (and
// nothing else, so a module that asks for anything more fails to load, as it would in Grafana), loads
// the plugin's built AMD modules from public/plugins/<id>/module.js, and mounts their pages, editors
// and panels with the props Grafana passes. Hand-written host code: no JSX, no build step.
/* global System */
(async function host() {
  const shared = window.__previewShared;
  const showError = (err) => {
    const box = document.getElementById('host-error');
    box.hidden = false;
    box.textContent = `Preview host: ${err && err.message ? err.message : String(err)}`;
    window.__previewErrors = (window.__previewErrors || []).concat(String(err && err.message ? err.message : err));
  };
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));

  const boot = await (await fetch('/api/preview/boot')).json();
  const userSelect = document.getElementById('user');
  for (const [key, u] of Object.entries(boot.users)) {
    const opt = document.createElement('option');
    opt.value = key;
    opt.textContent = `${u.login} (${u.role})`;
    opt.selected = u.login === boot.user.login;
    userSelect.appendChild(opt);
  }
  userSelect.addEventListener('change', () => {
    document.cookie = `preview-user=${userSelect.value}; path=/`;
    location.reload();
  });

  // The import map Grafana's SystemJS has: each shared package by its bare name, nothing else.
  const imports = {};
  for (const name of Object.keys(shared)) imports[name] = `app:${name}`;
  const map = document.createElement('script');
  map.type = 'systemjs-importmap';
  map.textContent = JSON.stringify({ imports });
  document.head.appendChild(map);
  await System.prepareImport(true);
  for (const [name, ns] of Object.entries(shared)) System.set(`app:${name}`, ns);

  const React = shared.react;
  const { createRoot } = shared['react-dom/client'];
  const data = shared['@grafana/data'];
  const runtime = shared['@grafana/runtime'];
  const h = React.createElement;

  const loadPlugin = async (id) => {
    const mod = await System.import(`/${boot.plugins[id].module}`);
    if (!mod.plugin) throw new Error(`${id}: module.js exports no "plugin"`);
    window.__previewLoaded = (window.__previewLoaded || []).concat(id);
    return mod.plugin;
  };

  const variables = { service: new URLSearchParams(location.search).get('service') || 'checkout', environment: '' };
  runtime.setTemplateSrv({
    getVariables: () => [],
    replace: (target, _scoped, format) =>
      (target || '').replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a, b) => {
        const v = variables[a || b];
        return v === undefined ? m : Array.isArray(v) && format === 'csv' ? v.join(',') : String(v);
      }),
    containsTemplate: (t) => /\$\w+/.test(t || ''),
    updateTimeRange: () => {},
  });

  const theme = data.createTheme({ colors: { mode: 'dark' } });
  const root = createRoot(document.getElementById('root'));
  // Grafana's global styles (buttons, links, tables and text in the theme's colours) under every page,
  // as Grafana puts them under a plugin: without them a legend's series names, which are buttons, keep
  // the browser's default black text on the dark background.
  const { GlobalStyles } = shared['@grafana/ui'];
  const render = (el) => root.render(h(data.ThemeContext.Provider, { value: theme }, h(GlobalStyles), el));

  class Boundary extends React.Component {
    constructor(p) {
      super(p);
      this.state = { error: null };
    }
    static getDerivedStateFromError(error) {
      return { error };
    }
    componentDidCatch(error) {
      showError(error);
    }
    render() {
      return this.state.error
        ? h('pre', { role: 'alert' }, String(this.state.error.stack || this.state.error))
        : this.props.children;
    }
  }

  const appMeta = async () => (await fetch(`/api/plugins/${boot.appId}/settings`)).json();
  const range = (fromMs, toMs) => {
    const from = data.dateTime(fromMs);
    const to = data.dateTime(toMs);
    return { from, to, raw: { from, to } };
  };

  const path = location.pathname;
  try {
    if (path.startsWith(`/a/${boot.appId}`) || path === '/') {
      if (path === '/') history.replaceState(null, '', `/a/${boot.appId}/timeline`);
      const plugin = await loadPlugin(boot.appId);
      const meta = await appMeta();
      plugin.meta = meta;
      render(
        h(
          Boundary,
          null,
          h(plugin.root, {
            meta,
            basename: `/a/${boot.appId}`,
            path: location.pathname,
            query: {},
            onNavChanged: () => {},
          }),
        ),
      );
    } else if (path === `/plugins/${boot.appId}`) {
      const plugin = await loadPlugin(boot.appId);
      plugin.meta = await appMeta();
      const page = plugin.configPages && plugin.configPages[0];
      if (!page) throw new Error('the app has no config page');
      render(
        h(
          Boundary,
          null,
          h('div', { 'data-testid': 'config-page' }, h('h2', null, page.title), h(page.body, { plugin, query: {} })),
        ),
      );
    } else if (path === '/preview/datasource') {
      const plugin = await loadPlugin(boot.dataSource.type);
      const settings = {
        id: 1,
        uid: boot.dataSource.uid,
        name: boot.dataSource.name,
        type: boot.dataSource.type,
        jsonData: boot.dataSource.jsonData,
        meta: { id: boot.dataSource.type, info: boot.plugins[boot.dataSource.type].info },
        access: 'proxy',
        readOnly: true,
      };
      const ds = new plugin.DataSourceClass(settings);
      const to = Date.now();
      const from = to - 24 * 3600_000;
      const target = ds.annotations.prepareQuery({
        name: 'Ballast changes',
        enable: true,
        iconColor: 'orange',
        target: { refId: 'Anno', service: '$service' },
      });
      const annoRes = await ds.query({
        targets: [target],
        range: range(from, to),
        scopedVars: {},
        interval: '1m',
        intervalMs: 60000,
        requestId: 'anno',
        timezone: 'browser',
        app: 'dashboard',
        startTime: Date.now(),
      });
      const tableRes = await ds.query({
        targets: [{ refId: 'A', queryType: 'events', format: 'table', service: '$service', limit: 20 }],
        range: range(from, to),
        scopedVars: {},
        interval: '1m',
        intervalMs: 60000,
        requestId: 'tbl',
        timezone: 'browser',
        app: 'dashboard',
        startTime: Date.now(),
      });
      const services = await ds.metricFindQuery('services');
      const QueryEditor = plugin.components.QueryEditor;
      const ConfigEditor = plugin.components.ConfigEditor;
      render(
        h(
          Boundary,
          null,
          h(DataSourcePage, { ds, QueryEditor, ConfigEditor, settings, annoRes, tableRes, services, from, to }),
        ),
      );
    } else if (path === '/preview/panel' || path.startsWith('/preview/panel/')) {
      // /preview/panel/<panel id>?<option>=<value>: the panel with those options, as a dashboard would
      // pass them (the timeline panel when no id is given).
      const id = path.split('/')[3] || 'ballast-timeline-panel';
      const plugin = await loadPlugin(id);
      const query = Object.fromEntries(new URLSearchParams(location.search));
      const to = Date.now();
      const from = to - 24 * 3600_000;
      const defaults = {
        'ballast-timeline-panel': { service: '$service', environment: '', kind: '', limit: 50 },
        'ballast-stabilize-panel': { service: '$service', environment: 'production' },
        'ballast-burnrate-panel': {},
      };
      const options = { ...defaults[id], ...query };
      const title =
        { 'ballast-stabilize-panel': 'Stabilize', 'ballast-burnrate-panel': 'SLO burn rate' }[id] || 'What changed';
      const tr = range(from, to);
      render(
        h(
          Boundary,
          null,
          h(
            'div',
            { style: { width: 720, height: 420, border: '1px solid #2c3235' } },
            h(plugin.panel, {
              id: 2,
              data: { series: [], state: 'Done', timeRange: tr },
              timeRange: tr,
              timeZone: 'browser',
              options,
              onOptionsChange: () => {},
              fieldConfig: { defaults: {}, overrides: [] },
              onFieldConfigChange: () => {},
              replaceVariables: (v) => runtime.getTemplateSrv().replace(v),
              onChangeTimeRange: () => {},
              width: 720,
              height: 420,
              transparent: false,
              renderCounter: 1,
              title,
              eventBus: {
                publish() {},
                subscribe() {
                  return { unsubscribe() {} };
                },
              },
            }),
          ),
        ),
      );
    } else {
      render(h('p', null, 'Nothing here.'));
    }
  } catch (err) {
    showError(err);
  }

  // The data source's results as Grafana would use them: annotations over a graph (points as lines,
  // ranges as shaded regions), the events table, and the variable values.
  function DataSourcePage({ ds, QueryEditor, ConfigEditor, settings, annoRes, tableRes, services, from, to }) {
    const [query, setQuery] = React.useState({ refId: 'A', queryType: 'events', service: '$service' });
    const frame = annoRes.data[0];
    const field = (f, name) => f.fields.find((x) => x.name === name);
    const n = frame ? frame.length : 0;
    const W = 900,
      H = 200;
    const x = (t) => ((t - from) / (to - from)) * W;
    const marks = [];
    for (let i = 0; i < n; i++) {
      const t = field(frame, 'time').values[i];
      const te = field(frame, 'timeEnd').values[i];
      const title = field(frame, 'title').values[i];
      const region = field(frame, 'isRegion').values[i];
      marks.push(
        region
          ? h(
              'rect',
              {
                key: i,
                'data-testid': 'annotation-region',
                x: x(t),
                y: 0,
                width: Math.max(2, x(te) - x(t)),
                height: H,
                fill: 'rgba(255,152,48,0.2)',
              },
              h('title', null, title),
            )
          : h(
              'line',
              {
                key: i,
                'data-testid': 'annotation-point',
                x1: x(t),
                x2: x(t),
                y1: 0,
                y2: H,
                stroke: '#FF9830',
                strokeWidth: 2,
              },
              h('title', null, title),
            ),
      );
    }
    const pts = [];
    for (let i = 0; i <= 96; i++) pts.push(`${(i / 96) * W},${H / 2 + Math.sin(i / 6) * 40 + Math.cos(i / 2.3) * 15}`);
    const table = tableRes.data[0];
    return h(
      'div',
      { 'data-testid': 'datasource-page' },
      h('h2', null, `Annotations from ${settings.name} over a sample graph (service ${variables.service})`),
      h(
        'svg',
        { className: 'sample-graph', width: W, height: H, role: 'img', 'aria-label': `${n} annotations` },
        h('polyline', { points: pts.join(' '), fill: 'none', stroke: '#73BF69', strokeWidth: 2 }),
        marks,
      ),
      h('p', { 'data-testid': 'annotation-count' }, `${n} annotations`),
      h('h3', null, 'Events query (table frame)'),
      h(
        'table',
        { 'data-testid': 'events-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            table.fields.slice(0, 7).map((f) => h('th', { key: f.name }, f.name)),
          ),
        ),
        h(
          'tbody',
          null,
          Array.from({ length: table.length }, (_, r) =>
            h(
              'tr',
              { key: r },
              table.fields
                .slice(0, 7)
                .map((f) =>
                  h(
                    'td',
                    { key: f.name },
                    f.type === 'time' && f.values[r] ? new Date(f.values[r]).toISOString() : String(f.values[r] ?? ''),
                  ),
                ),
            ),
          ),
        ),
      ),
      h('h3', null, 'Variable: services'),
      h('p', { 'data-testid': 'variable-services' }, services.map((s) => s.text).join(', ')),
      h('h3', null, 'Query editor'),
      h(QueryEditor, { datasource: ds, query, onChange: setQuery, onRunQuery: () => {} }),
      h('h3', null, 'Config editor (the key is set; its value never reaches the browser)'),
      h(ConfigEditor, {
        options: { ...settings, secureJsonFields: { apiKey: true }, secureJsonData: {} },
        onOptionsChange: () => {},
      }),
    );
  }
})();
