/** Where runbooks are kept: one row per (tenant, id), from a file or from the API. */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { RunbookFrontmatter } from '@ballast/contract';

export interface StoredRunbook {
  id: string;
  frontmatter: RunbookFrontmatter;
  markdown: string;
  managedBy: 'file' | 'api';
  path?: string;
  contentHash: string;
  updatedAt: number;
}

interface Row {
  id: string;
  frontmatter: string;
  markdown: string;
  managed_by: string;
  path: string | null;
  content_hash: string;
  updated_at: number | string;
}

const fromRow = (r: Row): StoredRunbook => ({
  id: r.id,
  frontmatter: JSON.parse(r.frontmatter) as RunbookFrontmatter,
  markdown: r.markdown,
  managedBy: r.managed_by as StoredRunbook['managedBy'],
  ...(r.path !== null && { path: r.path }),
  contentHash: r.content_hash,
  updatedAt: Number(r.updated_at),
});

/** What decides whether a write changes anything: a repeated write of the same runbook is a no-op. */
export const contentHash = (frontmatter: RunbookFrontmatter, markdown: string, path?: string): string =>
  createHash('sha256')
    .update(JSON.stringify([frontmatter, markdown, path ?? null]))
    .digest('hex');

export function runbookStore(knex: Knex | Knex.Transaction) {
  return {
    async all(tenant: string): Promise<StoredRunbook[]> {
      const rows: Row[] = await knex('runbooks').where({ tenant }).orderBy('id');
      return rows.map(fromRow);
    },
    async get(tenant: string, id: string): Promise<StoredRunbook | undefined> {
      const row: Row | undefined = await knex('runbooks').where({ tenant, id }).first();
      return row && fromRow(row);
    },
    async upsert(tenant: string, r: Omit<StoredRunbook, 'updatedAt'>, at: number): Promise<void> {
      await knex('runbooks')
        .insert({
          tenant,
          id: r.id,
          frontmatter: JSON.stringify(r.frontmatter),
          markdown: r.markdown,
          managed_by: r.managedBy,
          path: r.path ?? null,
          content_hash: r.contentHash,
          created_at: at,
          updated_at: at,
        })
        .onConflict(['tenant', 'id'])
        .merge(['frontmatter', 'markdown', 'managed_by', 'path', 'content_hash', 'updated_at']);
    },
    async remove(tenant: string, ids: string[]): Promise<void> {
      if (ids.length > 0) await knex('runbooks').where({ tenant }).whereIn('id', ids).delete();
    },
  };
}
