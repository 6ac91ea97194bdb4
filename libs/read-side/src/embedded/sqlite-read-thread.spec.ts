import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '@app/platform';
import { SqliteReadThread } from './sqlite-read-thread';

describe('SqliteReadThread', () => {
  let dir: string;
  let file: string;
  let writer: Database.Database;
  let reads: SqliteReadThread;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-thread-'));
    file = join(dir, 'views.sqlite');
    writer = openSqlite(file, 'NORMAL');
    writer.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    writer.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
  });

  beforeEach(() => {
    reads = new SqliteReadThread(file, 1000);
  });

  afterEach(() => reads.close());

  afterAll(() => {
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the rows of a statement with named parameters, and sees each later commit', async () => {
    expect(await reads.all('SELECT k, v FROM t WHERE k = @k', { k: 'a' })).toEqual([{ k: 'a', v: 1 }]);
    writer.prepare('INSERT INTO t VALUES (?, ?)').run('b', 2);
    expect(await reads.all('SELECT k, v FROM t ORDER BY k', {})).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
  });

  it('leaves the event loop free while a long statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // Tens of millions of steps of SQLite's VM: long enough for many timer turns if the loop is free.
      const [row] = await reads.all<{ n: number }>('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @n) SELECT count(*) AS n FROM c', { n: 5_000_000 });
      expect(row.n).toBe(5_000_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5);
  });

  it('fails a bad statement with the driver message, and goes on serving', async () => {
    await expect(reads.all('SELECT * FROM missing', {})).rejects.toThrow(/no such table: missing/);
    expect(await reads.all('SELECT count(*) AS n FROM t', {})).toEqual([{ n: expect.any(Number) }]);
  });

  it('never writes: the connection is read-only', async () => {
    await expect(reads.all('DELETE FROM t RETURNING k', {})).rejects.toThrow(/readonly/);
  });

  it('fails what a dying thread was running, and starts another for the next read', async () => {
    const running = reads.all('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5000000) SELECT count(*) FROM c', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    await reads.close();
    await expect(running).rejects.toThrow(/read thread exited/);
    expect(await reads.all('SELECT v FROM t WHERE k = @k', { k: 'a' })).toEqual([{ v: 1 }]);
  });
});
