/**
 * @jest-environment node
 */
// The preview host's model of Grafana's proxy routes, on this plugin's own routes.
/* global __dirname */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchRoute, proxiedRequest, refusal, renderTemplate } from './proxyRoutes.mjs';

const app = JSON.parse(readFileSync(join(__dirname, '..', 'src', 'plugin.json'), 'utf8'));
const settings = { jsonData: { url: 'http://ballast:4680' }, secureJsonData: { apiKey: 'blst_k' } };
const viewer = { login: 'vera', role: 'Viewer' };
const editor = { login: 'ed@example.com', role: 'Editor' };

describe('proxy routes as the preview host plays them', () => {
  it('templates read fields and refuse missing ones, as Go templates do', () => {
    expect(renderTemplate('{{ .JsonData.url }}/v1', { JsonData: { url: 'http://x' } })).toBe('http://x/v1');
    expect(() => renderTemplate('{{ .User.Login }}', { JsonData: {} })).toThrow(/can't evaluate field User/);
  });

  it('routes are chosen by method, then by path prefix', () => {
    expect(matchRoute(app.routes, 'GET', 'api/events').method).toBe('GET');
    expect(matchRoute(app.routes, 'POST', 'api/events').method).toBe('POST');
    expect(matchRoute(app.routes, 'DELETE', 'api/keys/k1').reqRole).toBe('Admin');
    expect(matchRoute(app.routes, 'GET', 'apix/events')).toBeUndefined();
    expect(matchRoute(app.routes, 'PATCH', 'api/events')).toBeUndefined();
  });

  it('a Viewer may read but not act; an Editor may act but not delete', () => {
    expect(refusal(matchRoute(app.routes, 'GET', 'api/events'), app, viewer)).toBeNull();
    expect(refusal(matchRoute(app.routes, 'POST', 'api/events'), app, viewer)).toMatch(/needs role Editor/);
    expect(refusal(matchRoute(app.routes, 'POST', 'api/events'), app, editor)).toBeNull();
    expect(refusal(matchRoute(app.routes, 'DELETE', 'api/keys/k1'), app, editor)).toMatch(/needs role Admin/);
  });

  it('the proxied request carries the key and the user, and none of the caller headers but a few', () => {
    const route = matchRoute(app.routes, 'GET', 'api/events/stream');
    const req = proxiedRequest(route, 'api/events/stream', '?service=checkout', settings, editor, {
      cookie: 'grafana_session=s',
      'x-grafana-user': 'mallory',
      authorization: 'Bearer stolen',
      'last-event-id': '42',
      accept: 'text/event-stream',
    });
    expect(req.url).toBe('http://ballast:4680/v1/events/stream?service=checkout');
    expect(req.headers).toEqual({
      accept: 'text/event-stream',
      'last-event-id': '42',
      authorization: 'Bearer blst_k',
      // Grafana's send_user_header: the signed-in user, never one the browser sent.
      'x-grafana-user': 'ed@example.com',
    });
  });
});
