/** The config schemas Backstage reads from both packages: secrets stay secret, wrong values are refused. */
import { describe, expect, it } from 'vitest';
import { loadConfigSchema } from '@backstage/config-loader';

const PACKAGES = [
  '@ballast/backstage-plugin-ballast-backend',
  '@ballast/backstage-plugin-catalog-backend-module-ballast',
];

describe('config schema', () => {
  const schema = loadConfigSchema({ dependencies: PACKAGES });
  // backend: every Backstage config has it, and schemas of packages installed beside ours (found when
  // the frontend packages sit in the same repository, as in an app's) require it.
  const data = {
    app: { baseUrl: 'https://backstage.test' },
    backend: { baseUrl: 'https://backstage.test', database: { client: 'better-sqlite3', connection: ':memory:' } },
    ballast: {
      baseUrl: 'https://ballast.test',
      apiKey: 'blst_plugin',
      assertionTtlSeconds: 60,
      timelineUrl: 'https://grafana.test/a/ballast?service={service}',
      catalog: {
        apiKey: 'blst_catalog',
        indexRefresh: { minutes: 5 },
        push: { enabled: true, frequency: { minutes: 10 } },
      },
    },
  };

  it('marks both keys secret and sends nothing of ballast to the frontend', async () => {
    const s = await schema;
    const secret = s.process([{ data, context: 'app-config.yaml' }], { visibility: ['secret'] })[0]?.data;
    expect(secret?.ballast).toEqual({ apiKey: 'blst_plugin', catalog: { apiKey: 'blst_catalog' } });
    const frontend = s.process([{ data, context: 'app-config.yaml' }], { visibility: ['frontend'] })[0]?.data;
    expect(frontend).toBeDefined();
    expect(frontend).not.toHaveProperty('ballast');
  });

  it('refuses a config without the key or with a wrong type, naming the field', async () => {
    const s = await schema;
    expect(() =>
      s.process([{ data: { ...data, ballast: { baseUrl: 'https://ballast.test' } }, context: 'app-config.yaml' }]),
    ).toThrow(/apiKey.*\/ballast/);
    expect(() =>
      s.process([
        { data: { ...data, ballast: { ...data.ballast, assertionTtlSeconds: 'soon' } }, context: 'app-config.yaml' },
      ]),
    ).toThrow(/\/ballast\/assertionTtlSeconds/);
  });
});
