import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createClient } from '@ballast/contract';
import { startBallast, type TestBallast } from '../../../test/ballastServer.js';
import { RunbookIndex } from './runbookIndex.js';

function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: (m) => void lines.push(`error ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

describe('RunbookIndex', () => {
  let ballast: TestBallast;
  beforeAll(async () => {
    ballast = await startBallast();
    await ballast.admin.call('putRunbook', {
      params: { id: 'db-failover' },
      body: {
        frontmatter: { id: 'db-failover', title: 'Database failover', services: ['orders', 'billing'] },
        markdown: '## Meaning\nm\n\n## Impact\ni\n\n## Diagnosis\nd\n\n## Mitigation\nx\n',
      },
    });
  });
  afterAll(() => ballast?.close());

  it('indexes runbooks by service, and keeps the last index while Ballast does not answer', async () => {
    const lines: string[] = [];
    const apiKey = await ballast.backstageKey('viewer');
    const index = new RunbookIndex(createClient({ baseUrl: ballast.url, apiKey }), recordingLogger(lines));
    await index.refresh();
    await index.ready();
    expect(index.runbooksOf('orders').map((r) => r.id)).toEqual(['db-failover']);
    expect(index.runbooksOf('billing').map((r) => r.id)).toEqual(['db-failover']);
    expect(index.runbooksOf('search')).toEqual([]);
    expect(lines).toEqual(['info Ballast runbook index: 1 runbooks for 2 services']);

    await ballast.close();
    await index.refresh();
    expect(index.runbooksOf('orders').map((r) => r.id)).toEqual(['db-failover']);
    expect(lines.at(-1)).toMatch(/^warn Ballast runbook index not refreshed: /);
  });

  it('lets processing go on without links when the first refresh has not run in time', async () => {
    const index = new RunbookIndex(createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x' }), recordingLogger([]));
    await index.ready(10);
    expect(index.runbooksOf('orders')).toEqual([]);
  });
});
