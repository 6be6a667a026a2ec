/**
 * A local HTTP server that answers `GET /oncalls` in the shape PagerDuty's REST API v2 documents for
 * "List all of the on-calls" (`oncalls[]` with `user`, `escalation_policy`, `schedule`,
 * `escalation_level`, `start`, `end`, plus `limit`, `offset`, `more`, `total`); with `include[]=users`
 * the `user` is the full user object (`name`, `email`, `html_url`, ...).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerDutyStub {
  url: string;
  requests: { url: string; authorization: string | undefined; accept: string | undefined }[];
  /** What the next answers are: the documented body, or a failure status. */
  answer: { status: number; body?: unknown | ((url: URL) => unknown) };
  close(): Promise<void>;
}

export const onCallsBody = (people: { name: string; email: string; level: number; policy?: string }[]) => ({
  oncalls: people.map((p, i) => ({
    escalation_policy: {
      id: p.policy ?? 'PEP1234',
      type: 'escalation_policy_reference',
      summary: 'Checkout',
      self: `https://api.pagerduty.com/escalation_policies/${p.policy ?? 'PEP1234'}`,
      html_url: `https://acme.pagerduty.com/escalation_policies/${p.policy ?? 'PEP1234'}`,
    },
    escalation_level: p.level,
    schedule: {
      id: 'PSCHED1',
      type: 'schedule_reference',
      summary: 'Checkout primary',
      self: 'https://api.pagerduty.com/schedules/PSCHED1',
      html_url: 'https://acme.pagerduty.com/schedules/PSCHED1',
    },
    user: {
      id: `PUSER${i}`,
      type: 'user',
      summary: p.name,
      name: p.name,
      email: p.email,
      time_zone: 'Europe/Berlin',
      self: `https://api.pagerduty.com/users/PUSER${i}`,
      html_url: `https://acme.pagerduty.com/users/PUSER${i}`,
    },
    start: '2026-11-16T09:00:00Z',
    end: '2026-11-23T09:00:00Z',
  })),
  limit: 100,
  offset: 0,
  more: false,
  total: null,
});

export async function startPagerDutyStub(): Promise<PagerDutyStub> {
  const stub: Omit<PagerDutyStub, 'url' | 'close'> = { requests: [], answer: { status: 200, body: onCallsBody([]) } };
  const server: Server = createServer((req: IncomingMessage, res) => {
    stub.requests.push({ url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
    const { status, body } = stub.answer;
    const answer = typeof body === 'function' ? body(new URL(req.url ?? '/', 'http://localhost')) : body;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { error: { message: 'Internal Server Error', code: 2000 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
