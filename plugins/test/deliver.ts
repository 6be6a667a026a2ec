/** Posts webhook deliveries to a real server the way senders do: raw bytes and their own headers. */
import type { TestServer } from '../../backend/server/test/harness.js';

export interface Delivery {
  status: number;
  body: {
    created?: number;
    duplicates?: number;
    ignored?: string;
    code?: string;
    message?: string;
    details?: { path: string; message: string }[];
  };
}

export async function deliver(
  server: TestServer,
  path: string,
  raw: string,
  headers: Record<string, string>,
): Promise<Delivery> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Delivery['body'] };
}

/** A new hook of the default tenant, created through the admin API. */
export async function createHook(server: TestServer, source: string, extra: Record<string, unknown> = {}) {
  return server.admin.call('createHook', { body: { source, name: `${source} test hook`, ...extra } as never });
}
