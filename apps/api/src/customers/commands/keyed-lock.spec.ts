import { KeyedLock, LockWaitTimeout } from './keyed-lock';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedLock', () => {
  it('runs one task at a time per key, in arrival order, and keys side by side', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const task = (name: string, ms: number) => () => sleep(ms).then(() => order.push(name));
    await Promise.all([lock.run('a', task('a1', 30)), lock.run('a', task('a2', 0)), lock.run('b', task('b1', 10))]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('lets a queue wait for a slow task ahead while giving up is not called for', async () => {
    const lock = new KeyedLock({ when: () => false, everyMs: 5 });
    const ahead = lock.run('a', () => sleep(60).then(() => 'ahead'));
    await expect(lock.run('a', async () => 'behind')).resolves.toBe('behind');
    await expect(ahead).resolves.toBe('ahead');
  });

  it('gives up waiting once told to, without running the task, and the next in line waits for the one ahead only', async () => {
    let out = false;
    const lock = new KeyedLock({ when: () => out, everyMs: 5 });
    let release!: () => void;
    const ahead = lock.run('a', () => new Promise<void>((r) => (release = r)));
    const ran: string[] = [];
    const behind = lock.run('a', async () => void ran.push('behind'));
    await sleep(20);
    out = true;
    await expect(behind).rejects.toBeInstanceOf(LockWaitTimeout);
    out = false;
    const next = lock.run('a', async () => void ran.push('next'));
    release();
    await ahead;
    await next;
    expect(ran).toEqual(['next']);
  });

  it('does not run a task whose turn comes just as the task ahead found the store out, but runs one with nothing ahead', async () => {
    let out = false;
    const lock = new KeyedLock({ when: () => out, everyMs: 1_000 });
    const ahead = lock.run('a', async () => {
      await sleep(10);
      out = true; // the task ahead's failing call marks the store out, then frees the turn
      throw new Error('store out');
    });
    const ran: string[] = [];
    const behind = lock.run('a', async () => void ran.push('behind'));
    await expect(ahead).rejects.toThrow('store out');
    await expect(behind).rejects.toBeInstanceOf(LockWaitTimeout);
    await sleep(0);
    await expect(lock.run('a', async () => 'alone')).resolves.toBe('alone');
    expect(ran).toEqual([]);
  });
});
