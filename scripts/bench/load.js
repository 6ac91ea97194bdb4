const http = require('node:http');

/**
 * A closed-loop load: `concurrency` clients each send a request as soon as the previous answer
 * arrives, for `seconds`. Returns requests/s and latency percentiles of 2xx answers.
 */
async function load({ port, concurrency, seconds, request }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let failures = 0;
  const deadline = Date.now() + seconds * 1000;
  const send = (i) =>
    new Promise((resolve) => {
      const { method, path, headers, body } = request(i);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const started = process.hrtime.bigint();
      const req = http.request(
        { host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            else failures++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(payload);
    });
  let counter = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) await send(counter++);
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
  return { perSecond: latencies.length / elapsed, ok: latencies.length, failures, p50: pct(50), p99: pct(99) };
}

module.exports = { load };
