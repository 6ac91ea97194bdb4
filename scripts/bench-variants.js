#!/usr/bin/env node
// Durable command throughput against a Nest hello-world on the same HTTP adapter, measured in the
// same run, alternating rounds so machine noise hits both alike. Needs `npm run build` first.

// Several builds' settings can be compared in the same run: each --variant is a service process of
// its own with extra environment ('name:KEY=VALUE,KEY=VALUE'; `{sink}` is a loopback OTLP sink), e.g.
//   --variant 'no request log:LOG_LEVEL=silent' --variant 'default:' \
//   --variant 'traced:OTEL_EXPORTER_OTLP_ENDPOINT={sink},OTEL_TRACES_SAMPLER=always_on'
// --workload list loads a plain list page (GET /v1/customers?size=50) instead of renames.
const { fork } = require('node:child_process');
const { createServer } = require('node:http');
const { existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
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
    variant: { type: 'string', multiple: true, default: ['durable renames:'] },
    // What each variant serves: durable renames, or a plain list page (a read through the list's thread).
    workload: { type: 'string', default: 'renames' },
  },
});
const seconds = Number(values.seconds);
const unit = values.workload === 'list' ? 'page' : 'command';
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

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux; null elsewhere). CPU per
 * command is far steadier than throughput on a shared machine: other load slows a process down
 * but hardly changes what each command costs it.
 */
function cpuSeconds(pid) {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** The process's peak resident memory so far, in MB, from /proc (Linux; null elsewhere). */
function peakRssMb(pid) {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return null;
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(file, 'utf8'))[1]) / 1024;
}

async function caughtUp(port, auth) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/projections`, { headers: auth });
    const body = await res.json();
    if ((body.items ?? body).every((p) => p.lagEvents === 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Accepts OTLP exports and throws them away, so a traced variant pays for exporting, not for errors. */
function startSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function parseVariant(spec, sinkUrl) {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const env = {};
  for (const pair of (colon < 0 ? '' : spec.slice(colon + 1)).split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    env[pair.slice(0, eq)] = pair.slice(eq + 1).replace('{sink}', sinkUrl);
  }
  return { name, env };
}

async function main() {
  const secret = randomBytes(48).toString('base64url');
  const helloPort = 4101;
  const sink = await startSink();
  const sinkUrl = `http://127.0.0.1:${sink.address().port}`;
  const hello = start(join(__dirname, 'bench/hello-server.js'), { PORT: String(helloPort) });
  const variants = values.variant.map((spec, i) => {
    const { name, env } = parseVariant(spec, sinkUrl);
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
    const port = 4102 + i;
    const child = start(join(ROOT, 'dist/apps/api/src/main.js'), {
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: secret,
      AUTH_ISSUER: 'bench',
      AUTH_AUDIENCE: 'bench',
      ...env,
    });
    return { name, env, dataDir, port, child, ratios: [], cpuPerCommand: [] };
  });
  try {
    await waitReady(helloPort, '/v1/hello');
    for (const v of variants) await waitReady(v.port, '/health/ready');
    const token = await new SignJWT({ partner_id: 'bench', partner_type: 'direct-csp', roles: ['admin-agent'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench')
      .setIssuer('bench')
      .setAudience('bench')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const auth = { authorization: `Bearer ${token}` };

    const ids = Array.from({ length: Number(values.customers) }, () => randomUUID());
    for (const v of variants) {
      for (const id of ids) {
        await fetch(`http://127.0.0.1:${v.port}/v1/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ tenantId: id, companyName: `Customer ${id.slice(0, 8)}`, domain: `c${id.slice(0, 8)}.example.com` }),
        });
      }
    }

    for (let round = 0; round < Number(values.rounds); round++) {
      const baseline = await load({
        port: helloPort,
        concurrency,
        seconds,
        request: (i) => ({ method: 'POST', path: '/v1/hello', headers: auth, body: { companyName: `Name ${i}` } }),
      });
      const parts = [`hello-world ${baseline.perSecond.toFixed(0)} req/s (p99 ${baseline.p99.toFixed(1)} ms)`];
      // A different variant goes first each round, so none always follows another's aftermath.
      const order = variants.map((_, i) => variants[(i + round) % variants.length]);
      for (const v of order) {
        // Every rename gives a customer a new name: a durable append each, never a no-op.
        const cpuBefore = cpuSeconds(v.child.pid);
        const commands = await load({
          port: v.port,
          concurrency,
          seconds,
          request: (i) =>
            values.workload === 'list'
              ? { method: 'GET', path: '/v1/customers?size=50', headers: auth }
              : { method: 'POST', path: `/v1/customers/${ids[i % ids.length]}/rename`, headers: auth, body: { companyName: `Name ${round}-${i}` } },
        });
        v.ratios.push(commands.perSecond / baseline.perSecond);
        // Its projector catches up before anything else is measured, so it takes no one else's CPU
        // (and the CPU its projection of these commands costs is counted with them).
        await caughtUp(v.port, auth);
        const cpuAfter = cpuSeconds(v.child.pid);
        const done = commands.perSecond * seconds;
        const cpuMs = cpuBefore === null ? null : ((cpuAfter - cpuBefore) * 1000) / done;
        if (cpuMs !== null) v.cpuPerCommand.push(cpuMs);
        parts.push(
          `${v.name} ${commands.perSecond.toFixed(0)} ${unit}s/s (p50 ${commands.p50.toFixed(1)} ms, p99 ${commands.p99.toFixed(1)} ms, ` +
            `${commands.failures} failed${cpuMs === null ? '' : `, ${cpuMs.toFixed(3)} CPU ms/${unit}`}), ratio ${v.ratios.at(-1).toFixed(2)}`,
        );
      }
      console.log(`round ${round + 1}: ${parts.join('; ')}`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const v of variants) {
      const relative = v === variants[0] ? '' : `, ${(median(v.ratios) / median(variants[0].ratios)).toFixed(3)} of ${variants[0].name}`;
      console.log(`median ratio (${v.name} / hello-world): ${median(v.ratios).toFixed(2)} at concurrency ${concurrency}${relative}`);
      if (v.cpuPerCommand.length > 0) {
        const cpu = median(v.cpuPerCommand);
        const base = v === variants[0] ? '' : ` (${(((cpu - median(variants[0].cpuPerCommand)) / median(variants[0].cpuPerCommand)) * 100).toFixed(1)} % vs ${variants[0].name})`;
        console.log(`median CPU per ${unit} (${v.name}): ${cpu.toFixed(3)} ms${base}`);
      }
      const rss = peakRssMb(v.child.pid);
      if (rss !== null) console.log(`peak RSS (${v.name}): ${rss.toFixed(0)} MB`);
    }
  } finally {
    hello.kill('SIGTERM');
    for (const v of variants) v.child.kill('SIGTERM');
    sink.close();
    await new Promise((r) => setTimeout(r, 1000));
    for (const v of variants) rmSync(v.dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
