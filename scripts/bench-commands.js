#!/usr/bin/env node
// Durable command throughput against a Nest hello-world on the same HTTP adapter, measured in the
// same run, alternating rounds so machine noise hits both alike. Needs `npm run build` first.
//   node scripts/bench-commands.js [--seconds 8] [--concurrency 32] [--rounds 3]
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');
const { SignJWT } = require('jose');
const { load } = require('./bench/load');

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    customers: { type: 'string', default: '500' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const ROOT = join(__dirname, '..');

function start(script, env) {
  const child = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return child;
}

async function waitReady(port, path) {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: path === '/v1/hello' ? 'POST' : 'GET' });
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never became ready`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const secret = randomBytes(48).toString('base64url');
  const helloPort = 4101;
  const servicePort = 4102;
  const hello = start(join(__dirname, 'bench/hello-server.js'), { PORT: String(helloPort) });
  const service = start(join(ROOT, 'dist/apps/api/src/main.js'), {
    PORT: String(servicePort),
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: 'bench',
    AUTH_AUDIENCE: 'bench',
  });
  try {
    await waitReady(helloPort, '/v1/hello');
    await waitReady(servicePort, '/health/ready');
    const token = await new SignJWT({ partner_id: 'bench', partner_type: 'direct-csp', roles: ['admin-agent'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench')
      .setIssuer('bench')
      .setAudience('bench')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const auth = { authorization: `Bearer ${token}` };

    const ids = Array.from({ length: Number(values.customers) }, () => randomUUID());
    for (const id of ids) {
      await fetch(`http://127.0.0.1:${servicePort}/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ tenantId: id, companyName: `Customer ${id.slice(0, 8)}`, domain: `c${id.slice(0, 8)}.example.com` }),
      });
    }

    const rounds = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const baseline = await load({
        port: helloPort,
        concurrency,
        seconds,
        request: (i) => ({ method: 'POST', path: '/v1/hello', headers: auth, body: { companyName: `Name ${i}` } }),
      });
      // Every request renames a customer to a new name: a durable append each, never a no-op.
      const commands = await load({
        port: servicePort,
        concurrency,
        seconds,
        request: (i) => ({
          method: 'POST',
          path: `/v1/customers/${ids[i % ids.length]}/rename`,
          headers: auth,
          body: { companyName: `Name ${round}-${i}` },
        }),
      });
      rounds.push({ baseline, commands, ratio: commands.perSecond / baseline.perSecond });
      console.log(
        `round ${round + 1}: hello-world ${baseline.perSecond.toFixed(0)} req/s (p99 ${baseline.p99.toFixed(1)} ms), ` +
          `durable renames ${commands.perSecond.toFixed(0)} commands/s (p50 ${commands.p50.toFixed(1)} ms, p99 ${commands.p99.toFixed(1)} ms, ` +
          `${commands.failures} failed), ratio ${rounds.at(-1).ratio.toFixed(2)}`,
      );
    }
    const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    console.log(`median ratio (durable commands / hello-world): ${median.toFixed(2)} at concurrency ${concurrency}`);
  } finally {
    hello.kill('SIGTERM');
    service.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
