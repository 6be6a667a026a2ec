import type { Knex } from 'knex';
import { RANGE_COPIES, rebuildRanges } from '../events/rangeTable.js';
import { storedAnnotation } from '../events/annotations.js';
import { storedRunbookInputs, WITH_RUNBOOK } from '../runbooks/eventRunbook.js';
import type { Dialect } from './knex.js';
import { fillColumn, renumberSqliteRowids } from './storedEvents.js';

interface Migration {
  name: string;
  up(knex: Knex, dialect: Dialect): Promise<void>;
  down(knex: Knex, dialect: Dialect): Promise<void>;
}

/** Migrations live in code (the server is bundled), one list for both dialects. */
const migrations: Migration[] = [
  {
    name: '001_foundation',
    async up(knex, dialect) {
      await knex.schema.createTable('tenants', (t) => {
        t.string('id', 64).primary();
        t.string('name', 128).notNullable();
        t.bigInteger('created_at').notNullable();
      });
      await knex.schema.createTable('api_keys', (t) => {
        t.string('id', 32).primary();
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('name', 128).notNullable();
        t.string('role', 32).notNullable();
        t.string('kind', 32).notNullable();
        t.text('services').notNullable();
        t.string('token_hash', 64).notNullable().unique();
        t.string('prefix', 16).notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('expires_at').nullable();
        t.bigInteger('revoked_at').nullable();
        t.index(['tenant']);
      });
      await knex.schema.createTable('chain_heads', (t) => {
        t.string('tenant', 64).primary().references('tenants.id');
        t.bigInteger('seq').notNullable();
        t.string('hash', 64).notNullable();
      });
      await knex.schema.createTable('events', (t) => {
        t.bigIncrements('rid').primary();
        t.string('id', 32).notNullable().unique();
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.bigInteger('seq').notNullable();
        t.bigInteger('occurred_at').notNullable();
        t.bigInteger('ended_at').nullable();
        t.bigInteger('received_at').notNullable();
        t.string('source', 32).notNullable();
        t.string('kind', 32).notNullable();
        t.string('status', 32).nullable();
        t.string('severity', 16).notNullable();
        t.string('service', 128).nullable();
        t.string('environment', 128).nullable();
        t.string('dedupe_key', 256).nullable();
        t.string('hash', 64).notNullable();
        t.string('prev_hash', 64).notNullable();
        t.string('salt', 32).notNullable();
        // The contract object as JSON text (not jsonb): returned byte for byte as stored.
        t.text('doc').notNullable();
        t.unique(['tenant', 'seq']);
        t.unique(['tenant', 'dedupe_key']);
        t.index(['tenant', 'occurred_at']);
        t.index(['tenant', 'service', 'occurred_at']);
      });
      await knex.schema.createTable('event_tags', (t) => {
        t.string('tenant', 64).notNullable();
        t.bigInteger('seq').notNullable();
        t.string('k', 64).notNullable();
        t.string('v', 256).notNullable();
        t.primary(['tenant', 'seq', 'k']);
        t.index(['tenant', 'k', 'v']);
      });
      if (dialect === 'sqlite') {
        // Contentless: the text lives in events.doc; the index only maps words to events.rid.
        await knex.raw(
          "CREATE VIRTUAL TABLE events_fts USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')",
        );
      } else {
        await knex.raw('ALTER TABLE events ADD COLUMN search tsvector NOT NULL');
        await knex.raw('CREATE INDEX events_search_gin ON events USING GIN (search)');
      }
    },
    async down(knex, dialect) {
      if (dialect === 'sqlite') await knex.raw('DROP TABLE IF EXISTS events_fts');
      for (const t of ['event_tags', 'events', 'chain_heads', 'api_keys', 'tenants'])
        await knex.schema.dropTableIfExists(t);
    },
  },
  {
    name: '002_event_ranges',
    async up(knex) {
      // Start and end events of one incident, alert, deploy or stabilize share a range key, so the
      // timeline and annotations can pair them into a range without scanning.
      await knex.schema.alterTable('events', (t) => {
        t.string('range_key', 300).nullable();
        t.string('range_role', 8).nullable();
        t.index(['tenant', 'range_key', 'occurred_at']);
        t.index(['tenant', 'range_role', 'occurred_at']);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('events', (t) => {
        t.dropIndex(['tenant', 'range_key', 'occurred_at']);
        t.dropIndex(['tenant', 'range_role', 'occurred_at']);
        t.dropColumn('range_key');
        t.dropColumn('range_role');
      });
    },
  },
  {
    name: '003_hooks',
    async up(knex) {
      // Secrets are kept as given: an HMAC can only be checked with the secret itself.
      await knex.schema.createTable('hooks', (t) => {
        t.string('id', 64).primary();
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('source', 32).notNullable();
        t.string('name', 128).notNullable();
        t.boolean('allow_unsigned').notNullable();
        t.text('options').notNullable();
        t.text('secrets').notNullable();
        t.bigInteger('created_at').notNullable();
        t.index(['tenant']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('hooks');
    },
  },
  {
    name: '004_service_mappings',
    async up(knex) {
      await knex.schema.createTable('service_mappings', (t) => {
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('source', 32).notNullable();
        t.string('ref_key', 48).notNullable();
        t.string('ref_value', 256).notNullable();
        t.string('service', 128).notNullable();
        t.string('environment', 128).nullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['tenant', 'source', 'ref_key', 'ref_value']);
        t.index(['tenant', 'service']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('service_mappings');
    },
  },
  {
    name: '005_timeline_read_paths',
    async up(knex, dialect) {
      // Annotations find the ranges that reach into a window from before it here (rangeTable.ts).
      await knex.schema.createTable('event_ranges', (t) => {
        t.string('tenant', 64).notNullable();
        t.string('range_key', 300).nullable();
        t.string('service', 128).nullable();
        t.bigInteger('start_seq').notNullable();
        t.bigInteger('started_at').notNullable();
        t.bigInteger('end_seq').nullable();
        t.bigInteger('ended_at').nullable();
        t.bigInteger('reach').notNullable();
        t.index(['tenant', 'reach', 'started_at']);
        t.index(['tenant', 'service', 'reach', 'started_at']);
        t.index(['tenant', 'range_key']);
      });
      // Its rows are made from the stored events by 016, which every store migrating past here runs.
      if (dialect === 'sqlite') await renumberSqliteRowids(knex);
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('event_ranges');
    },
  },
  {
    name: '006_slos',
    async up(knex, dialect) {
      await knex.schema.createTable('slos', (t) => {
        // A small integer key keeps the per-minute SLI rows narrow.
        t.increments('key').primary();
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('id', 128).notNullable();
        t.string('service', 128).notNullable();
        t.string('name', 128).notNullable();
        t.text('spec').notNullable();
        t.string('origin', 16).notNullable();
        t.string('managed_by', 8).notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.unique(['tenant', 'id']);
        t.index(['tenant', 'service']);
      });
      // Pushed good/total counts per minute, and per hour and day kept in step on every push so that
      // long windows read days plus the hours and minutes at their edges.
      const rowid = dialect === 'sqlite' ? ' WITHOUT ROWID' : '';
      for (const [table, unit] of [
        ['slo_sli_minute', 'minute'],
        ['slo_sli_hour', 'hour'],
        ['slo_sli_day', 'day'],
      ])
        await knex.raw(
          `CREATE TABLE ${table} (slo_key integer NOT NULL, ${unit} integer NOT NULL, good double precision NOT NULL, ` +
            `total double precision NOT NULL, PRIMARY KEY (slo_key, ${unit}))${rowid}`,
        );
      // What the last evaluation of each SLO found, so events fire on changes only (with hysteresis).
      await knex.schema.createTable('slo_states', (t) => {
        t.integer('slo_key').primary();
        t.text('state').notNullable();
        t.bigInteger('updated_at').notNullable();
      });
    },
    async down(knex) {
      for (const t of ['slo_states', 'slo_sli_day', 'slo_sli_hour', 'slo_sli_minute', 'slos'])
        await knex.schema.dropTableIfExists(t);
    },
  },
  {
    name: '007_stabilize',
    async up(knex) {
      await knex.schema.createTable('stabilize_profiles', (t) => {
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('service', 128).notNullable();
        // '' for the service's profile in every environment without its own.
        t.string('environment', 128).notNullable();
        t.integer('version').notNullable();
        t.text('spec').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.text('updated_by').notNullable();
        // 'file' for profiles reconciled from BALLAST_STABILIZE_PROFILES_DIR (the API refuses to edit them).
        t.string('managed_by', 8).notNullable().defaultTo('api');
        t.string('file', 512).nullable();
        t.primary(['tenant', 'service', 'environment', 'version']);
      });
      await knex.schema.createTable('stabilizes', (t) => {
        t.string('id', 32).primary();
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('service', 128).notNullable();
        t.string('environment', 128).notNullable();
        t.string('state', 16).notNullable();
        // Set while the stabilize holds its scope: one per scope, whoever races for it.
        t.string('open_scope', 260).nullable();
        // When it ends by itself (TTL, or a request not approved in time); null once over.
        t.bigInteger('due_at').nullable();
        t.text('doc').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.unique(['tenant', 'open_scope']);
        t.index(['due_at']);
        t.index(['tenant', 'service', 'environment', 'updated_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('stabilizes');
      await knex.schema.dropTableIfExists('stabilize_profiles');
    },
  },
  {
    name: '008_runbooks_and_catalog',
    async up(knex) {
      // Runbooks from files (managed_by 'file', reconciled from the folders) and from the API, per tenant.
      await knex.schema.createTable('runbooks', (t) => {
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('id', 128).notNullable();
        t.text('frontmatter').notNullable();
        t.text('markdown').notNullable();
        t.string('managed_by', 8).notNullable();
        t.string('path', 1024).nullable();
        t.string('content_hash', 64).notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['tenant', 'id']);
      });
      await knex.schema.createTable('catalog_services', (t) => {
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('name', 128).notNullable();
        t.text('doc').notNullable();
        t.string('managed_by', 8).notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['tenant', 'name']);
      });
    },
    async down(knex) {
      for (const t of ['catalog_services', 'runbooks']) await knex.schema.dropTableIfExists(t);
    },
  },
  {
    name: '009_gate_overrides',
    async up(knex) {
      await knex.schema.createTable('gate_overrides', (t) => {
        t.string('tenant', 64).notNullable().references('tenants.id');
        t.string('service', 128).notNullable();
        t.string('environment', 128).notNullable();
        t.bigInteger('expires_at').notNullable();
        t.text('doc').notNullable();
        t.index(['tenant', 'service', 'environment', 'expires_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('gate_overrides');
    },
  },
  {
    name: '010_policy_instances',
    async up(knex) {
      // Service instances following a scope's policy, so a divide_total clamp splits by how many there are.
      await knex.schema.createTable('policy_instances', (t) => {
        t.string('tenant', 64).notNullable();
        t.string('service', 128).notNullable();
        t.string('environment', 128).notNullable();
        t.string('instance', 256).notNullable();
        t.bigInteger('seen_at').notNullable();
        t.primary(['tenant', 'service', 'environment', 'instance']);
        t.index(['tenant', 'service', 'environment', 'seen_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('policy_instances');
    },
  },
  {
    name: '011_stabilize_actuations',
    async up(knex) {
      // One row per stabilize and actuator: what Ballast wants of it, what it acknowledged, and when to
      // try next. It is the work queue too: replicas take due rows under a lease.
      await knex.schema.createTable('stabilize_actuations', (t) => {
        t.string('tenant', 64).notNullable();
        t.string('stabilize_id', 32).notNullable();
        t.string('actuator', 256).notNullable();
        t.string('desired', 16).notNullable();
        t.string('actual', 16).notNullable();
        t.string('status', 16).notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.text('snapshot').nullable();
        t.text('report').nullable();
        t.text('last_error').nullable();
        // When the next attempt is due; null when nothing is left to do (or it gave up).
        t.bigInteger('due_at').nullable();
        t.bigInteger('lease_until').nullable();
        t.string('lease_token', 32).nullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['stabilize_id', 'actuator']);
        t.index(['due_at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('stabilize_actuations');
    },
  },
  {
    name: '012_slo_sli_by_time',
    async up(knex, dialect) {
      // SLO status reads one time range for all SLOs at once: by (time, slo_key) the SLOs' rows for that
      // range lie together, and carrying the counts keeps the read in the index, where the primary key
      // costs a descent and a heap page per SLO. Built from the rows already stored. Not on SQLite: its
      // tables are clustered by the primary key and a descent is a walk of cached pages in process;
      // measured at 1,000 SLOs × 30 days, the index read no faster and nearly doubled the file.
      if (dialect !== 'postgres') return;
      for (const [table, unit] of [
        ['slo_sli_minute', 'minute'],
        ['slo_sli_hour', 'hour'],
        ['slo_sli_day', 'day'],
      ])
        await knex.raw(`CREATE INDEX ${table}_by_time ON ${table} (${unit}, slo_key) INCLUDE (good, total)`);
    },
    async down(knex) {
      for (const table of ['slo_sli_minute', 'slo_sli_hour', 'slo_sli_day'])
        await knex.raw(`DROP INDEX IF EXISTS ${table}_by_time`);
    },
  },
  {
    name: '013_slo_sli_autovacuum',
    async up(knex, dialect) {
      // The SLI tables only grow, and status reads them from the covering indexes of 012: an index-only
      // scan skips the heap only for pages the visibility map marks all-visible, which only a vacuum
      // does. PostgreSQL's default vacuums an insert-only table after inserts of 20 % of its size (days
      // apart at 1,000 SLOs); 1 % keeps recent pages visible within hours.
      if (dialect !== 'postgres') return;
      for (const table of ['slo_sli_minute', 'slo_sli_hour', 'slo_sli_day'])
        await knex.raw(`ALTER TABLE ${table} SET (autovacuum_vacuum_insert_scale_factor = 0.01)`);
    },
    async down(knex, dialect) {
      if (dialect !== 'postgres') return;
      for (const table of ['slo_sli_minute', 'slo_sli_hour', 'slo_sli_day'])
        await knex.raw(`ALTER TABLE ${table} RESET (autovacuum_vacuum_insert_scale_factor)`);
    },
  },
  {
    name: '014_event_annotations',
    async up(knex, dialect) {
      // What each event's annotation says, written with it (events/annotations.ts): an annotations read
      // joins these texts instead of parsing every document it touches. Made here for the events
      // already stored, from their documents.
      await knex.schema.alterTable('events', (t) => t.text('annotation').nullable());
      await fillColumn(knex, dialect, 'annotation', storedAnnotation);
    },
    async down(knex) {
      await knex.schema.alterTable('events', (t) => t.dropColumn('annotation'));
    },
  },
  {
    name: '015_event_runbook_inputs',
    async up(knex, dialect) {
      // What choosing an alert's or incident's runbook reads of it (runbooks/eventRunbook.ts): reads
      // choose from this small text instead of parsing the event's document. Made here for the alerts
      // and incidents already stored.
      await knex.schema.alterTable('events', (t) => t.text('runbook_inputs').nullable());
      await fillColumn(knex, dialect, 'runbook_inputs', storedRunbookInputs, [...WITH_RUNBOOK]);
    },
    async down(knex) {
      await knex.schema.alterTable('events', (t) => t.dropColumn('runbook_inputs'));
    },
  },
  {
    name: '016_event_range_copies',
    async up(knex, dialect) {
      // What annotations draw of a range's start and end, kept on its row (rangeTable.ts), so that the
      // ranges reaching into a window are read without a lookup into events. Every row made again.
      await knex.schema.alterTable('event_ranges', (t) => {
        t.string('start_id', 32).nullable();
        t.string('start_range_key', 300).nullable();
        t.string('start_range_role', 8).nullable();
        t.text('start_annotation').nullable();
        t.text('start_inputs').nullable();
        t.string('end_id', 32).nullable();
        t.text('end_title').nullable();
      });
      await rebuildRanges(knex, dialect);
    },
    async down(knex) {
      await knex.schema.alterTable('event_ranges', (t) => {
        for (const c of RANGE_COPIES) t.dropColumn(c);
      });
    },
  },
  {
    name: '017_search_terms',
    async up(knex, dialect) {
      // SQLite: every word the full-text index holds, so that a search turns a term into the words
      // it begins (fullText.ts, sqliteMatchSql). Filled here from the index itself; the write path
      // adds each event's words with it. PostgreSQL's GIN index matches prefixes without one.
      if (dialect !== 'sqlite') return;
      await knex.raw('CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID');
      await knex.raw('CREATE VIRTUAL TABLE temp.events_fts_words USING fts5vocab(main, events_fts, row)');
      await knex.raw('INSERT INTO search_terms (term) SELECT term FROM temp.events_fts_words');
      await knex.raw('DROP TABLE temp.events_fts_words');
    },
    async down(knex, dialect) {
      if (dialect === 'sqlite') await knex.raw('DROP TABLE IF EXISTS search_terms');
    },
  },
];

export function migrationSource(dialect: Dialect): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => migrations,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => ({ up: (k: Knex) => m.up(k, dialect), down: (k: Knex) => m.down(k, dialect) }),
  };
}
