/**
 * Opens a store before each test of a contract suite and tears it down after it. Call it inside
 * the suite's `describe`; the function it returns is the running test's store.
 */
export function storePerTest<S>(open: () => Promise<S>, teardown: (store: S) => Promise<void>): () => S {
  let store: S | undefined;

  beforeEach(async () => {
    store = undefined;
    store = await open();
  });

  afterEach(async () => {
    if (store) await teardown(store);
    store = undefined;
  });

  return () => {
    if (!store) throw new Error('The store was not opened.');
    return store;
  };
}
