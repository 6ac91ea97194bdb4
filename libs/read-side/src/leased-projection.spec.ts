import { StoreUnavailable } from '@app/platform';
import { LeasedProjection } from './leased-projection';
import { LeaseStore } from './lease';

/** A lease store whose answers the test decides, and a runner that only counts. */
function harness(answers: boolean[]) {
  const calls = { start: 0, stop: 0, released: 0 };
  const leases: LeaseStore = {
    acquire: async () => answers.shift() ?? false,
    release: async () => void calls.released++,
    close: async () => undefined,
  };
  let mayCommit: () => Promise<boolean> = async () => false;
  const projection = new LeasedProjection({
    name: 'customer-list',
    runner: (fence) => {
      mayCommit = fence;
      return { start: () => void calls.start++, stop: async () => void calls.stop++ };
    },
    leases,
    owner: 'me',
    ttlMs: 300,
    onError: () => undefined,
  });
  return { projection, calls, mayCommit: () => mayCommit() };
}

async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !condition(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

describe('LeasedProjection', () => {
  it('projects only while it holds the lease, and stops when it loses it', async () => {
    const { projection, calls } = harness([false, true, true, false]);
    projection.start();
    expect(projection.isActive).toBe(false);
    await until(() => projection.isActive);
    expect(calls.start).toBeGreaterThanOrEqual(1);
    await until(() => !projection.isActive);
    expect(calls.stop).toBe(1);
    await projection.stop();
    expect(calls.released).toBe(1);
  });

  it('starts the runner again when a renewal at commit time failed but the lease is still held', async () => {
    const { projection, calls, mayCommit } = harness([true, false, true]);
    projection.start();
    await until(() => calls.start === 1);
    expect(await mayCommit()).toBe(false); // the runner stops itself on this answer
    await until(() => calls.start === 2);
    expect(projection.isActive).toBe(true);
    await projection.stop();
  });

  it('counts a renewal that fails, or answers after a third of the lifetime, as not held, and reports it', async () => {
    const errors: unknown[] = [];
    const answers: (() => Promise<boolean>)[] = [
      () => Promise.reject(new Error('server gone')),
      () => new Promise((resolve) => setTimeout(() => resolve(true), 250)), // ttl 300: the bound is 100 ms
      async () => true,
    ];
    const leases: LeaseStore = { acquire: () => answers.shift()!(), release: async () => undefined, close: async () => undefined };
    let mayCommit: () => Promise<boolean> = async () => true;
    new LeasedProjection({
      name: 'customer-list',
      runner: (fence) => {
        mayCommit = fence;
        return { start: () => undefined, stop: async () => undefined };
      },
      leases,
      owner: 'me',
      ttlMs: 300,
      onError: (error) => errors.push(error),
    });
    expect(await mayCommit()).toBe(false);
    expect(errors).toEqual([expect.objectContaining({ message: 'server gone' })]);
    expect(await mayCommit()).toBe(false);
    expect(errors[1]).toBeInstanceOf(StoreUnavailable);
    expect(await mayCommit()).toBe(true);
    expect(errors).toHaveLength(2);
  });

  it('stops without waiting for a release the lease store never answers', async () => {
    const errors: unknown[] = [];
    const leases: LeaseStore = { acquire: async () => true, release: () => new Promise<void>(() => undefined), close: async () => undefined };
    const projection = new LeasedProjection({
      name: 'customer-list',
      runner: () => ({ start: () => undefined, stop: async () => undefined }),
      leases,
      owner: 'me',
      ttlMs: 300,
      onError: (error) => errors.push(error),
    });
    projection.start();
    await until(() => projection.isActive);
    await projection.stop();
    expect(errors).toEqual([expect.any(StoreUnavailable)]);
  });
});
