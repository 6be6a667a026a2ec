// The app under load: one Fastify route, with the stabilize middleware (MIDDLEWARE=1) or without.
import Fastify from 'fastify';
import { createClamp, PolicyClient, stabilizeOnRequest } from '@ballast/stabilize';

const app = Fastify({ logger: false });
if (process.env.MIDDLEWARE === '1') {
  const client = new PolicyClient({
    baseUrl: process.env.BALLAST_URL!,
    apiKey: process.env.BALLAST_API_KEY!,
    service: process.env.SERVICE!,
    environment: 'staging',
  });
  await client.start();
  process.stderr.write(`policy mode ${client.mode()}\n`);
  app.addHook('onRequest', stabilizeOnRequest(createClamp(client)));
}
app.get('/work', async () => ({ ok: true, items: [1, 2, 3] }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
