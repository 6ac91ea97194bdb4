import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCustomer } from '../support/customers';
import { assertBuilt, HttpOutcome, killAll, randomSecret, send, ServiceProcess, sleep, startService } from '../support/service-process';

const SUITE = 'embedded disk full (a small tmpfs)';
const root = process.getuid?.() === 0;
if (!root) {
  if (process.env.CI) throw new Error(`${SUITE}: CI runs as root to mount a tmpfs; this run is not root.`);
  console.warn(`SKIPPED ${SUITE}: mounting a tmpfs needs root.`);
}
const describeIf = root ? describe : describe.skip;

describeIf(SUITE, () => {
  let mountPoint: string;
  let service: ServiceProcess;
  let auth: string;

  beforeAll(() => {
    assertBuilt();
    mountPoint = mkdtempSync(join(tmpdir(), 'customer-accounts-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint]);
  });

  afterAll(async () => {
    await killAll();
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const establish = (): Promise<HttpOutcome & { id: string }> => {
    const body = newCustomer();
    return send(service, 'POST', '/v1/customers', { headers: { Authorization: auth }, body }).outcome.then((o) => ({ ...o, id: body.tenantId }));
  };

  it('answers 507 STORAGE_FULL with one log line, turns readiness red, and writes again once space is freed, without a restart', async () => {
    service = await startService({ dataDir: join(mountPoint, 'data'), secret: randomSecret() });
    auth = `Bearer ${await service.token({ roles: ['admin-agent'] })}`;
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await establish();
      expect(outcome.status).toBe(201);
      acked.push(outcome.id);
    }

    // Fill the disk to the last byte.
    const filler = join(mountPoint, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 16, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) writeSync(fd, chunk, 0, 512);
    } catch {
      // Now truly full.
    } finally {
      closeSync(fd);
    }

    const before = service.output().length;
    const failed: HttpOutcome[] = [];
    for (let i = 0; i < 20; i++) {
      const outcome = await establish();
      if (outcome.status === 201) acked.push(outcome.id);
      else failed.push(outcome);
    }
    expect(failed.length).toBeGreaterThan(0);
    for (const outcome of failed) {
      expect({ status: outcome.status, code: outcome.body?.code, store: outcome.body?.store }).toEqual({ status: 507, code: 'STORAGE_FULL', store: 'event-store' });
      expect(outcome.headers?.['retry-after']).toMatch(/^\d+$/);
    }
    const ready = await send(service, 'GET', '/health/ready').outcome;
    expect({ status: ready.status, eventStore: ready.body.checks.eventStore }).toEqual({ status: 503, eventStore: 'full' });
    // One line per store per episode, not a stack trace per request.
    const logged = service.output().slice(before);
    expect(logged.match(/event-store: no space left/g)).toHaveLength(1);
    expect(logged).not.toMatch(/\n\s+at /);

    // Space back: writes work again, readiness turns green by itself.
    unlinkSync(filler);
    const again = await establish();
    expect(again.status).toBe(201);
    acked.push(again.id);
    let green = false;
    for (let i = 0; i < 60 && !green; i++) {
      green = (await send(service, 'GET', '/health/ready').outcome).status === 200;
      if (!green) await sleep(250);
    }
    expect(green).toBe(true);

    // Nothing acknowledged was lost.
    for (const id of acked) {
      const history = await send(service, 'GET', `/v1/customers/${id}/history`, { headers: { Authorization: auth } }).outcome;
      expect({ id, status: history.status, events: history.body?.items?.length }).toEqual({ id, status: 200, events: 1 });
    }
  }, 90_000);
});
