import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Opens each embedded store on a fresh file in a directory of its own, and closes it and removes
 * the directory again at teardown: the `open`/`teardown` pair a contract suite takes.
 */
export function onTempFiles<S extends { close(): Promise<void> }, A extends unknown[] = []>(label: string, file: string, create: (path: string, ...args: A) => S) {
  const directories = new Map<S, string>();
  const tempDir = () => mkdtempSync(join(tmpdir(), `${label}-`));
  return {
    tempDir,
    open: async (...args: A): Promise<S> => {
      const dir = tempDir();
      const store = create(join(dir, file), ...args);
      directories.set(store, dir);
      return store;
    },
    teardown: async (store: S): Promise<void> => {
      const dir = directories.get(store);
      directories.delete(store);
      try {
        await store.close();
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
