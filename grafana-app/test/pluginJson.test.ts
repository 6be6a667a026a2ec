/**
 * @jest-environment node
 */
// Every plugin.json against Grafana's published plugin.json schema (test/plugin.schema.json, from
// grafana/grafana docs/sources/developers/plugins/plugin.schema.json), plus our own rules for ids,
// includes, routes and secrets.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const read = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8'));
const schema = read('test/plugin.schema.json');

interface Route {
  path: string;
  method?: string;
  url: string;
  reqRole?: string;
  reqAction?: string;
  headers?: Array<{ name: string; content: string }>;
}

/**
 * The published schema predates two fields Grafana 11.6+ reads: `roles` (RBAC roles an app declares)
 * and `reqAction` on routes. They are added here, typed as Grafana's loader reads them; nothing else
 * of the schema is relaxed.
 */
function schemaWithRbac() {
  const s = structuredClone(schema);
  s.$id = `${schema.$id}/with-rbac`;
  s.properties.routes.items.properties.reqAction = { type: 'string' };
  s.properties.roles = {
    type: 'array',
    items: {
      type: 'object',
      required: ['role', 'grants'],
      additionalProperties: false,
      properties: {
        role: {
          type: 'object',
          required: ['name', 'permissions'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            permissions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['action'],
                additionalProperties: false,
                properties: { action: { type: 'string' }, scope: { type: 'string' } },
              },
            },
          },
        },
        grants: { type: 'array', items: { enum: ['Viewer', 'Editor', 'Admin', 'Grafana Admin'] } },
      },
    },
  };
  return s;
}

const files = {
  app: 'src/plugin.json',
  datasource: 'src/datasource/plugin.json',
  panel: 'src/panels/timeline/plugin.json',
  burnratePanel: 'src/panels/burnrate/plugin.json',
  stabilizePanel: 'src/panels/stabilize/plugin.json',
} as const;
const plugins = Object.fromEntries(Object.entries(files).map(([k, p]) => [k, read(p)])) as Record<
  keyof typeof files,
  Record<string, unknown> & { id: string; type: string; name: string; routes?: Route[] }
>;

// The schema's patterns escape '-' (`\\-`), valid in JavaScript regular expressions but not under the
// unicode flag Ajv sets by default: compile them without it, as the schema's authors evidently did.
const regExp = Object.assign((pattern: string, flags: string) => new RegExp(pattern, flags.replace('u', '')), {
  code: 'new RegExp',
});
// Formats (uri, email) are not checked: our files use neither.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { regExp } });
const validate = ajv.compile(schemaWithRbac());
const validatePublished = ajv.compile(schema);

describe('plugin.json files', () => {
  it.each(Object.entries(files))('%s (%s) is valid against Grafana plugin.json schema', (kind) => {
    const ok = validate(plugins[kind as keyof typeof files]);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the panels and data source need nothing beyond the published schema', () => {
    expect(validatePublished(plugins.panel)).toBe(true);
    expect(validatePublished(plugins.burnratePanel)).toBe(true);
    expect(validatePublished(plugins.stabilizePanel)).toBe(true);
    expect(validatePublished(plugins.datasource)).toBe(true);
  });

  it('the published schema alone refuses the app only for roles and reqAction', () => {
    validatePublished(plugins.app);
    const complaints = (validatePublished.errors ?? []).map((e) => `${e.instancePath} ${JSON.stringify(e.params)}`);
    expect(complaints.length).toBeGreaterThan(0);
    for (const c of complaints) expect(c).toMatch(/"additionalProperty":"(roles|reqAction)"/);
  });

  it('ids follow org-name-type and match their type', () => {
    expect(plugins.app).toMatchObject({ id: 'ballast-reliability-app', type: 'app' });
    expect(plugins.datasource).toMatchObject({
      id: 'ballast-events-datasource',
      type: 'datasource',
      annotations: true,
    });
    expect(plugins.panel).toMatchObject({ id: 'ballast-timeline-panel', type: 'panel' });
    expect(plugins.burnratePanel).toMatchObject({ id: 'ballast-burnrate-panel', type: 'panel' });
    expect(plugins.stabilizePanel).toMatchObject({ id: 'ballast-stabilize-panel', type: 'panel' });
    for (const p of Object.values(plugins)) {
      expect(p.id.endsWith(`-${p.type}`)).toBe(true);
      expect((p.dependencies as { grafanaDependency: string }).grafanaDependency).toBe('>=12.3.0');
    }
  });

  it('the app includes its nested plugins by name, its pages and the dashboard it ships', () => {
    const includes = plugins.app.includes as Array<{ type: string; name: string; path?: string }>;
    expect(includes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'datasource', name: plugins.datasource.name }),
        expect.objectContaining({ type: 'panel', name: plugins.panel.name }),
        expect.objectContaining({ type: 'panel', name: plugins.burnratePanel.name }),
        expect.objectContaining({ type: 'panel', name: plugins.stabilizePanel.name }),
        expect.objectContaining({ type: 'page', name: 'Timeline', path: '/a/ballast-reliability-app/timeline' }),
        expect.objectContaining({ type: 'page', name: 'SLOs', path: '/a/ballast-reliability-app/slos' }),
        expect.objectContaining({ type: 'page', name: 'Stabilize', path: '/a/ballast-reliability-app/stabilize' }),
        expect.objectContaining({ type: 'page', name: 'Runbooks', path: '/a/ballast-reliability-app/runbooks' }),
      ]),
    );
    for (const d of includes.filter((i) => i.type === 'dashboard')) {
      const dash = read(join('src', d.path!));
      expect(dash.title).toBe(d.name);
    }
  });

  it('every route has a role; reads are for Viewers, acting methods for Editors or Admins', () => {
    const routes = [...(plugins.app.routes ?? []), ...(plugins.datasource.routes ?? [])];
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const r of routes) {
      expect(r.reqRole).toBeDefined();
      expect(r.method).toBeDefined();
      if (r.method === 'GET') expect(r.reqRole).toBe('Viewer');
      else expect(['Editor', 'Admin']).toContain(r.reqRole);
    }
    const methods = (plugins.app.routes ?? []).map((r) => `${r.method} ${r.path}`).sort();
    expect(methods).toEqual(['DELETE api', 'GET api', 'POST api', 'POST api/stabilize', 'PUT api']);
    expect(plugins.app.routes!.find((r) => r.method === 'DELETE')!.reqRole).toBe('Admin');
    // Stabilize has its own action, so Grafana admins can grant it apart from writing events. It comes
    // before the general POST route: the first match and the longest match are then the same route.
    const appRoutes = plugins.app.routes!;
    const stabilize = appRoutes.findIndex((r) => r.path === 'api/stabilize');
    expect(appRoutes[stabilize]).toMatchObject({
      method: 'POST',
      reqRole: 'Editor',
      reqAction: 'ballast-reliability-app.stabilize:act',
    });
    expect(stabilize).toBeLessThan(appRoutes.findIndex((r) => r.path === 'api' && r.method === 'POST'));
  });

  it('every app route action is declared by one of its roles and granted to the route role', () => {
    const roles = plugins.app.roles as Array<{ role: { permissions: Array<{ action: string }> }; grants: string[] }>;
    for (const r of plugins.app.routes ?? []) {
      const granting = roles.filter((x) => x.role.permissions.some((p) => p.action === r.reqAction));
      expect(granting.map((g) => g.grants).flat()).toContain(r.reqRole);
    }
  });

  it('routes take the URL from jsonData and the key from secureJsonData only', () => {
    for (const r of [...(plugins.app.routes ?? []), ...(plugins.datasource.routes ?? [])]) {
      // The route's path is replaced by its URL: `api/stabilize` must lead to `/v1/stabilize`.
      expect(r.url).toBe(`{{ .JsonData.url }}/v1${r.path.replace(/^api/, '')}`);
      const auth = r.headers?.find((h) => h.name === 'Authorization');
      expect(auth?.content).toBe('Bearer {{ .SecureJsonData.apiKey }}');
      for (const h of r.headers ?? []) expect(h.content).not.toMatch(/\{\{\s*\.JsonData\.(apiKey|key|token|secret)/i);
    }
    // Grafana renders route templates with .JsonData and .SecureJsonData only: anything else fails the
    // route with a 500. The user reaches Ballast through Grafana's own X-Grafana-User / X-Grafana-Id.
    for (const r of [...(plugins.app.routes ?? []), ...(plugins.datasource.routes ?? [])])
      for (const h of [r.url, ...(r.headers ?? []).map((x) => x.content)])
        expect(h).not.toMatch(/\{\{\s*\.(?!JsonData\.|SecureJsonData\.)/);
  });

  it('no key ever sits in jsonData: not in plugin.json, the provisioning files or the dashboard', () => {
    const texts = [
      readFileSync(join(root, '../provisioning/grafana/plugins/ballast.yaml'), 'utf8'),
      readFileSync(join(root, '../provisioning/grafana/datasources/ballast.yaml'), 'utf8'),
      readFileSync(join(root, '../provisioning/grafana/dashboards/service-reliability.json'), 'utf8'),
      ...Object.values(files).map((p) => readFileSync(join(root, p), 'utf8')),
    ];
    for (const t of texts) {
      expect(t).not.toMatch(/blst_[A-Za-z0-9_-]{8,}/);
      const jsonData = /jsonData:\n((?:\s{6,}.*\n)+)/.exec(t)?.[1] ?? '';
      expect(jsonData).not.toMatch(/apiKey|token|secret|password/i);
    }
  });
});
