import Fastify from 'fastify';

// The floor of this machine: a bare fastify app answering a tiny JSON POST, nothing else.
const app = Fastify({ logger: false });
app.post('/ping', async (req) => ({ ok: true, echo: (req.body as { n?: number } | null)?.n ?? null }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
