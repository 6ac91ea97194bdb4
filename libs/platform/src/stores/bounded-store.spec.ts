import { Metrics } from '../metrics/metrics';
import { boundedStore } from './bounded-store';
import { StorageFull, StoreUnavailable } from './store-errors';
import { sqliteFailure } from './store-failures';
import { StoreHealth } from './store-health';

function sqliteError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('boundedStore', () => {
  let health: StoreHealth;
  let outcome: () => Promise<string>;
  const port = {
    read: () => outcome(),
    write: () => outcome(),
    subscribe: () => ({ live: true }),
  };
  const bounded = () => boundedStore(port, { store: 'view-store', timeoutMs: 50, classify: sqliteFailure, health, writes: ['write'] });

  beforeEach(() => {
    health = new StoreHealth(new Metrics());
  });

  it('answers StoreUnavailable naming the store when a call does not settle in time', async () => {
    outcome = () => new Promise(() => undefined);
    const error = await bounded().read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect(error).toMatchObject({ store: 'view-store', reason: 'timeout' });
  });

  it('turns an outage error into StoreUnavailable and passes any other error through', async () => {
    outcome = () => Promise.reject(sqliteError('SQLITE_BUSY'));
    await expect(bounded().read()).rejects.toMatchObject({ store: 'view-store', reason: 'unreachable' });
    const bug = new TypeError('a bug');
    outcome = () => Promise.reject(bug);
    await expect(bounded().read()).rejects.toBe(bug);
  });

  it('reports a full disk until a write succeeds again; a read does not end the episode', async () => {
    outcome = () => Promise.reject(sqliteError('SQLITE_FULL'));
    await expect(bounded().write()).rejects.toBeInstanceOf(StorageFull);
    expect(health.full()).toEqual(['view-store']);
    outcome = () => Promise.resolve('ok');
    await expect(bounded().read()).resolves.toBe('ok');
    expect(health.full()).toEqual(['view-store']);
    await expect(bounded().write()).resolves.toBe('ok');
    expect(health.full()).toEqual([]);
  });

  it('leaves calls that return no promise alone', () => {
    expect(bounded().subscribe()).toEqual({ live: true });
  });
});
