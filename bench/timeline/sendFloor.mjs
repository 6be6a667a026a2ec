// What sending an answer costs before any of the server's work: a bare Fastify process that answers
// GET / with a fixed body read from BENCH_BODY_FILE (JSON, held as bytes in memory), on BENCH_PORT. Spawned by
// reads.mjs beside the annotations cells, so that their figures can be read against it. Exits when
// stdin closes, so it never outlives the runner.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

// The bytes themselves: a string would be encoded to UTF-8 anew for every answer (runs before
// 2026-11-23 17:46 sent a string: for a 650 KB answer its p50 was 4 ms, against 1 ms for the bytes).
const body = readFileSync(process.env.BENCH_BODY_FILE);
const app = Fastify();
app.get('/', async (_request, reply) => {
  reply.type('application/json; charset=utf-8');
  return body;
});
app.get('/ready', async () => 'ok');
await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) });
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
