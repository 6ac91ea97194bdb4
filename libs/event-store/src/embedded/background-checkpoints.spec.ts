import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BACKSTOP_PAGES, checkpointInBackground, withoutInlineCheckpoint } from './background-checkpoints';

let dir: string;
const open = (name: string) => {
  const db = new Database(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v TEXT)');
  return db;
};
const size = (db: Database.Database) => statSync(db.name).size;
/** One commit of about `pages` pages: a row of 4,000 bytes takes about one. */
const commitPages = (db: Database.Database, pages: number) => {
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run('x'.repeat(4000));
  })();
};
/** Past SQLite's own threshold of 1,000 pages, short of the backstop. */
const commitTwoThousandPages = (db: Database.Database) => commitPages(db, 2000);
const eventually = async (check: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Opens a file and hands it to the thread for `body`; then closes it and gives it up, whatever happened. */
const handedOver = async (name: string, body: (db: Database.Database) => void | Promise<void>) => {
  const db = open(name);
  const release = checkpointInBackground(db);
  try {
    await body(db);
  } finally {
    db.close();
    await release();
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpointInBackground', () => {
  it('by default, the commit that takes the WAL past 1,000 pages copies them into the file itself', () => {
    const db = open('inline.sqlite');
    const before = size(db);
    commitTwoThousandPages(db);
    expect(size(db)).toBeGreaterThan(before + 4000 * 1000);
    db.close();
  });

  it('leaves that to its thread: the commit only appends, and the file has the pages within seconds', async () => {
    await handedOver('background.sqlite', async (db) => {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      const before = size(db);
      commitTwoThousandPages(db);
      expect(size(db)).toBe(before);
      await eventually(() => size(db) > before + 4000 * 1000);
      // The data is whole, from the file and from the WAL alike.
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2000);
    });
  });

  it('closes its own connection when the file is given up, though it goes on for other files', async () => {
    await handedOver('kept.sqlite', async () => {
      const db = open('given-up.sqlite');
      const release = checkpointInBackground(db);
      commitTwoThousandPages(db);
      db.close();
      await release();
      // The thread's connection was the file's last: closing it removed the WAL.
      expect(existsSync(`${db.name}-wal`)).toBe(false);
    });
  });

  it('keeps a file shared by two connections until both give it up, and starts again after the last', async () => {
    const first = open('shared.sqlite');
    const second = new Database(first.name);
    const releaseFirst = checkpointInBackground(first);
    const releaseSecond = checkpointInBackground(second);
    let again: (() => Promise<void>) | undefined;
    try {
      // Called twice (a store closed twice), it gives the file up once, and both wait for the same end.
      expect(releaseFirst()).toBe(releaseFirst());
      await releaseFirst();
      let before = size(second);
      commitTwoThousandPages(second);
      await eventually(() => size(second) > before);

      await releaseSecond();
      again = checkpointInBackground(second);
      before = size(second);
      commitTwoThousandPages(second);
      expect(size(second)).toBe(before);
      await eventually(() => size(second) > before);
    } finally {
      first.close();
      second.close();
      await releaseSecond();
      await again?.();
    }
  });

  it("a commit past the connection's threshold still copies the WAL into the file itself, though the file is handed to the thread", async () => {
    await handedOver('threshold.sqlite', async (db) => {
      db.pragma('wal_autocheckpoint = 3000');
      const before = size(db);
      commitPages(db, 4000);
      expect(size(db)).toBeGreaterThan(before + 4000 * 3000);
    });
  });

  it("cuts a WAL that a large write grew back to the backstop's size once it starts over", async () => {
    await handedOver('cut-back.sqlite', async (db) => {
      const wal = () => statSync(`${db.name}-wal`).size;
      // Every page of the WAL is in the file (asked while the thread copies, the answer is busy).
      const checkpointed = () => {
        const [{ busy, log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        return busy === 0 && log === checkpointed;
      };
      withoutInlineCheckpoint(db, () => commitPages(db, BACKSTOP_PAGES + 2000));
      expect(wal()).toBeGreaterThan(4096 * BACKSTOP_PAGES);
      await eventually(checkpointed);
      // The next commit starts the WAL over from its beginning, and cuts the file back.
      commitPages(db, 1);
      expect(wal()).toBeLessThanOrEqual(4096 * BACKSTOP_PAGES);
    });
  });
});

describe('withoutInlineCheckpoint', () => {
  it('leaves one write past the threshold to the thread, and puts the threshold back after it, even when it fails', async () => {
    await handedOver('large-write.sqlite', async (db) => {
      db.pragma('wal_autocheckpoint = 3000');
      const before = size(db);
      expect(withoutInlineCheckpoint(db, () => (commitPages(db, 4000), 'done'))).toBe('done');
      expect(size(db)).toBe(before);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(3000);
      await eventually(() => size(db) > before + 4000 * 3000);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(4000);

      expect(() =>
        withoutInlineCheckpoint(db, () => {
          throw new Error('the write failed');
        }),
      ).toThrow('the write failed');
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(3000);
    });
  });
});
