import { MemoryThrottlerStorage } from '../../apps/api/src/rate-limits/memory-throttler-storage';
import { throttlerStorageContract } from './throttler-storage.contract';

throttlerStorageContract('in memory (embedded, one process)', async (clock) => {
  const storage = new MemoryThrottlerStorage(clock);
  return { storage: () => storage, close: async () => undefined };
});
