import { describe, expect, it } from 'vitest';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@ballast/contract';
import { desiredServices, planPush } from './catalogPush.js';

const APP = 'https://backstage.test';

function component(name: string, extra: Partial<Entity['metadata']> = {}, relations: Entity['relations'] = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...extra },
    spec: {},
    relations,
  };
}

const current = (name: string, over: Partial<CatalogService> = {}): CatalogService => ({
  name,
  dashboards: [],
  links: [{ rel: 'backstage', url: `${APP}/catalog/default/component/${name}`, text: 'Backstage' }],
  dependsOn: [],
  managedBy: 'api',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('desiredServices', () => {
  it.each([
    [{ annotations: { 'ballast.dev/tier': '2' } }, 2],
    [{ labels: { tier: 'tier-1' } }, 1],
    [{ labels: { tier: '3' } }, 3],
    [{ annotations: { 'ballast.dev/tier': '7' } }, undefined],
    [{ labels: { tier: 'gold' } }, undefined],
  ])('reads the tier from %j as %s', (metadata, tier) => {
    const { services } = desiredServices([component('a', metadata)], APP);
    expect(services.get('a')?.tier).toBe(tier);
  });

  it('takes the system as a full reference and a well-formed lifecycle, and leaves out an odd one', () => {
    const withSpec = (name: string, spec: Entity['spec']): Entity => ({ ...component(name), spec });
    const { services } = desiredServices(
      [withSpec('a', { system: 'shop', lifecycle: 'production' }), withSpec('b', { lifecycle: 'not a word!' })],
      APP,
    );
    expect(services.get('a')).toMatchObject({ system: 'system:default/shop', lifecycle: 'production' });
    expect(services.get('b')?.lifecycle).toBeUndefined();
    // A lifecycle changed in Backstage is a change to push.
    const plan = planPush(services, [current('a', { system: 'system:default/shop', lifecycle: 'experimental' })], APP);
    expect(plan.puts.map((p) => [p.name, p.spec.lifecycle])).toEqual([
      ['a', 'production'],
      ['b', undefined],
    ]);
  });

  it('maps dependsOn relations to Ballast service names and reports clashes and bad names', () => {
    const { services, problems } = desiredServices(
      [
        component('web', {}, [
          { type: 'dependsOn', targetRef: 'component:default/api' },
          { type: 'dependsOn', targetRef: 'resource:default/db' },
          { type: 'ownedBy', targetRef: 'group:default/team' },
        ]),
        component('api', { annotations: { 'ballast.dev/service': 'api-svc' } }),
        component('api-copy', { annotations: { 'ballast.dev/service': 'api-svc' } }),
        component('odd', { annotations: { 'ballast.dev/service': '-bad name' } }),
      ],
      APP,
    );
    expect(services.get('web')).toMatchObject({ owner: 'group:default/team', dependsOn: ['api-svc', 'db'] });
    expect([...services.keys()].sort()).toEqual(['api-svc', 'web']);
    expect(problems).toEqual([
      'component:default/api-copy: service "api-svc" is already taken by another entity',
      'component:default/odd: "-bad name" is not a Ballast service name',
    ]);
  });
});

describe('planPush', () => {
  const desired = desiredServices(
    [component('a', {}, [{ type: 'ownedBy', targetRef: 'group:default/x' }]), component('b'), component('c')],
    APP,
  ).services;

  it('puts new and changed services, skips equal and file-managed ones, keeps what others own', () => {
    const plan = planPush(
      desired,
      [
        current('a', {
          owner: 'group:default/y',
          oncall: { static: { people: [{ name: 'Ann' }], startsAt: '2026-01-01T00:00:00Z', shift: '1w' } },
          links: [{ rel: 'wiki', url: 'https://wiki.test/a' }],
        }),
        current('b'),
        current('c', { managedBy: 'file', owner: 'group:default/z' }),
      ],
      APP,
    );
    expect(plan.deletes).toEqual([]);
    expect(plan.unchanged).toBe(1);
    expect(plan.managedByFile).toEqual(['c']);
    expect(plan.puts).toEqual([
      {
        name: 'a',
        spec: {
          owner: 'group:default/x',
          dependsOn: [],
          links: [
            { rel: 'wiki', url: 'https://wiki.test/a' },
            { rel: 'backstage', url: `${APP}/catalog/default/component/a`, text: 'Backstage' },
          ],
          dashboards: [],
          oncall: { static: { people: [{ name: 'Ann' }], startsAt: '2026-01-01T00:00:00Z', shift: '1w' } },
        },
      },
    ]);
  });

  it('puts every service when Ballast has none', () => {
    expect(planPush(desired, [], APP).puts.map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it("deletes only this Backstage's entries whose component is gone, and nothing when Backstage has none", () => {
    const ballast = [
      current('a'),
      current('gone'),
      current('gone-from-file', { managedBy: 'file' }),
      current('other-backstage', {
        links: [{ rel: 'backstage', url: 'https://other.test/catalog/default/component/x', text: 'Backstage' }],
      }),
      current('made-by-hand', { links: [] }),
    ];
    expect(planPush(desired, ballast, APP).deletes).toEqual(['gone']);
    expect(planPush(new Map(), ballast, APP).deletes).toEqual([]);
  });
});
