// What Grafana's plugin proxy does with a plugin.json `routes` entry, emulated for the preview host and
// its tests: pick the route by method and path prefix, check reqRole / reqAction for the signed-in
// user, render the templated URL and headers, and forward. Grafana's real proxy is Go code; this is a
// model of it, and the README says what that cannot prove.

const ROLE_RANK = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** `{{ .JsonData.url }}` and friends: a field path looked up in `data`; a missing field is an error, as in Go. */
export function renderTemplate(text, data) {
  return text.replace(/\{\{\s*\.([A-Za-z0-9_.]+)\s*\}\}/g, (_, path) => {
    let value = data;
    for (const part of path.split('.')) {
      if (value === null || typeof value !== 'object' || !(part in value)) {
        throw new Error(`template: can't evaluate field ${part} in ${text}`);
      }
      value = value[part];
    }
    return value === undefined || value === null ? '' : String(value);
  });
}

/** The first route whose method matches (or has none) and whose path prefixes the proxied path. */
export function matchRoute(routes, method, proxyPath) {
  const path = proxyPath.replace(/^\/+/, '');
  return routes.find((r) => {
    if (
      r.method &&
      r.method !== '*' &&
      !r.method
        .split(',')
        .map((m) => m.trim().toUpperCase())
        .includes(method)
    ) {
      return false;
    }
    const p = r.path.replace(/^\/+/, '');
    return path === p || path.startsWith(p + '/') || path.startsWith(p + '?');
  });
}

/** Actions a role holds: what the plugin's `roles` grant to it or to a lower basic role. */
export function actionsOf(pluginJson, role) {
  const actions = new Set();
  for (const r of pluginJson.roles ?? []) {
    if ((r.grants ?? []).some((g) => ROLE_RANK[role] >= ROLE_RANK[g])) {
      for (const p of r.role.permissions ?? []) actions.add(p.action);
    }
  }
  return actions;
}

/** Null when allowed, else why not (Grafana answers 403 without calling the backend). */
export function refusal(route, pluginJson, user) {
  if (route.reqRole && ROLE_RANK[user.role] < ROLE_RANK[route.reqRole]) {
    return `plugin proxy route access denied: ${route.method ?? '*'} ${route.path} needs role ${route.reqRole}, ${user.login} is ${user.role}`;
  }
  if (route.reqAction && !actionsOf(pluginJson, user.role).has(route.reqAction)) {
    return `plugin proxy route access denied: ${user.login} lacks ${route.reqAction}`;
  }
  return null;
}

/** The request Grafana would send on: target URL and headers (the caller's cookies and auth dropped). */
export function proxiedRequest(route, proxyPath, search, settings, user, incomingHeaders) {
  // What Grafana renders route templates with: nothing about the user.
  const data = { JsonData: settings.jsonData ?? {}, SecureJsonData: settings.secureJsonData ?? {} };
  const base = renderTemplate(route.url, data).replace(/\/+$/, '');
  const rest = proxyPath.replace(/^\/+/, '').slice(route.path.replace(/^\/+/, '').length);
  const url = base + (rest.startsWith('/') || rest === '' ? rest : '/' + rest) + (search ?? '');
  const headers = {};
  for (const name of ['accept', 'content-type', 'last-event-id']) {
    if (incomingHeaders[name]) headers[name] = incomingHeaders[name];
  }
  for (const h of route.headers ?? []) headers[h.name.toLowerCase()] = renderTemplate(h.content, data);
  // Grafana's `[dataproxy] send_user_header = true`: the signed-in user's login, set by the proxy
  // itself (one the browser sent is dropped above).
  if (settings.sendUserHeader !== false && user.login) headers['x-grafana-user'] = user.login;
  return { url, headers };
}
