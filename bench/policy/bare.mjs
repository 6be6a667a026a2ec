// The baseline: a bare Fastify GET answering a small JSON body, nothing else (no auth, no store).
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const body = {
  service: 'checkout',
  environment: 'production',
  mode: 'enforce',
  queues: [],
  flags: [],
  deployFreeze: true,
};
app.get('/ping', async () => body);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
