// The verdicts of one run: each target as Ballast's figure over its ceiling from the same run, MET or
// MISSED, with context rows where a ratio alone would mislead; and the check that Ballast and the
// ceiling wrote to the same b-tree indexes.

export function targetsOf(cases, dialects) {
  const find = (server, dialect, size, single = false) =>
    cases.find(
      (c) =>
        c.server === server &&
        c.dialect === dialect &&
        c.size === size &&
        !!c.single === single &&
        c.maxTags === undefined,
    );
  const targets = [];
  const verdict = (r, t) => (r === null ? '**MISSED** (no figure)' : r >= t ? 'MET' : '**MISSED**');
  const rate = (c, key) => (c && !c.failed ? c.result[key] : null);
  for (const [dialect, target] of [
    ['sqlite', 0.15],
    ['postgres', 0.3],
  ]) {
    if (!dialects.includes(dialect)) continue;
    for (const size of [100, 500]) {
      const b = find('ballast', dialect, size);
      const ceil = find('ceiling', dialect, size);
      const r = rate(b, 'rowsPerSec');
      const cr = rate(ceil, 'rowsPerSec');
      const rr = r !== null && cr ? r / cr : null;
      const refused = !b?.failed
        ? ''
        : b.failed.status === null
          ? ' — the case did not run'
          : ` — every batch refused (HTTP ${b.failed.status})`;
      targets.push({
        what: `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} batched ingest, ${size} events/req (rows/s)`,
        measured: r === null ? 'refused' : Math.round(r).toLocaleString('en-US'),
        ceiling: cr === null ? '–' : Math.round(cr).toLocaleString('en-US'),
        ratio: rr,
        target,
        verdict: verdict(rr, target) + refused,
      });
      const fb = cases.find((c) => c.fallbackOf === b?.id);
      if (fb && !fb.failed && cr) {
        targets.push({
          what: `&nbsp;&nbsp;same with ≤ ${fb.maxTags} tags/event (for information)`,
          measured: Math.round(fb.result.rowsPerSec).toLocaleString('en-US'),
          ceiling: Math.round(cr).toLocaleString('en-US'),
          ratio: fb.result.rowsPerSec / cr,
          target,
          verdict: fb.result.rowsPerSec / cr >= target ? 'would meet' : 'would miss',
        });
      }
    }
  }
  const noop = find('noop', null, 1, true);
  for (const [dialect, target] of [
    ['sqlite', 0.33],
    ['postgres', null],
  ]) {
    if (!dialects.includes(dialect)) continue;
    const s = find('ballast', dialect, 1, true);
    const r = rate(s, 'reqPerSec');
    const nr = rate(noop, 'reqPerSec');
    const rr = r !== null && nr ? r / nr : null;
    targets.push({
      what: `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} single-event POST vs bare Fastify 1 KB POST (req/s)`,
      measured: r === null ? 'refused' : Math.round(r).toLocaleString('en-US'),
      ceiling: nr === null ? '–' : Math.round(nr).toLocaleString('en-US'),
      ratio: rr,
      target,
      verdict: target === null ? 'reported' : verdict(rr, target),
    });
    // Context: a bare insert of one row per request pays the same commit (fsync) per request.
    const bare = rate(find('ceiling', dialect, 1, true), 'reqPerSec');
    if (bare !== null && nr) {
      targets.push({
        what: '&nbsp;&nbsp;context: bare Fastify + one-row insert (one commit per request) vs the same 1 KB POST',
        measured: Math.round(bare).toLocaleString('en-US'),
        ceiling: Math.round(nr).toLocaleString('en-US'),
        ratio: bare / nr,
        target: null,
        verdict: 'context',
      });
    }
    if (bare !== null && r !== null) {
      targets.push({
        what: '&nbsp;&nbsp;context: Ballast single-event vs that bare one-row insert',
        measured: Math.round(r).toLocaleString('en-US'),
        ceiling: Math.round(bare).toLocaleString('en-US'),
        ratio: r / bare,
        target: null,
        verdict: 'context',
      });
    }
  }
  return targets;
}

export function schemaChecksOf(cases, dialects) {
  const lines = [];
  for (const dialect of dialects) {
    const prod = cases.find((c) => c.server === 'ballast' && c.dialect === dialect && c.indexes);
    const ceil = cases.find((c) => c.server === 'ceiling' && c.dialect === dialect && c.indexes);
    if (!prod || !ceil) {
      lines.push(`${dialect}: not compared (a store was not inspected)`);
      continue;
    }
    const same = JSON.stringify(prod.indexes) === JSON.stringify(ceil.indexes);
    lines.push(
      `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: b-tree indexes on \`events\` ${same ? 'are the same' : '**differ**'} in Ballast and the ceiling: ${prod.indexes.join(', ')}${same ? '' : ` vs ${ceil.indexes.join(', ')}`}. Ballast also writes: ${prod.extras.join(', ') || '–'}.`,
    );
  }
  return lines;
}
