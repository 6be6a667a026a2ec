// The app under load: one Fastify route, bare or with the stabilize middleware: MIDDLEWARE=hook (the
// onRequest hook) or MIDDLEWARE=wrap (the route-wrapping plugin).
import Fastify from 'fastify';
import { createClamp, PolicyClient, stabilizeFastify, stabilizeOnRequest } from '@ballast/stabilize';

const app = Fastify({ logger: false });
if (process.env.MIDDLEWARE) {
  const client = new PolicyClient({
    baseUrl: process.env.BALLAST_URL!,
    apiKey: process.env.BALLAST_API_KEY!,
    service: process.env.SERVICE!,
    environment: 'staging',
  });
  await client.start();
  process.stderr.write(`policy mode ${client.mode()}\n`);
  const clamp = createClamp(client);
  if (process.env.MIDDLEWARE === 'wrap') await app.register(stabilizeFastify(clamp));
  else app.addHook('onRequest', stabilizeOnRequest(clamp));
}
app.get('/work', async () => ({ ok: true, items: [1, 2, 3] }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
