import { ViewPorts } from '@app/read-side';
import { accountDetailReaderContract } from './account-detail-reader.contract';
import { customerListReaderContract } from './customer-list-reader.contract';
import { parkedEventsContract } from './parked-events.contract';
import { storePerTest } from './store-per-test';
import { viewGenerationsContract } from './view-generations.contract';
import { viewWriterContract } from './view-writer.contract';

/**
 * The view-store contract: every port of the read side's store. Every adapter (embedded SQLite,
 * MongoDB) runs this same suite, so it speaks only through the ports.
 *
 * `open` must hand each test an empty store (a fresh file, a fresh database): checkpoints are kept
 * per view, and a test starts by expecting none. Documents live under random partner ids besides.
 */
export function viewStoreContract(
  name: string,
  open: () => Promise<ViewPorts>,
  teardown: (store: ViewPorts) => Promise<void> = (store) => store.close(),
): void {
  describe(`View store contract: ${name}`, () => {
    const vs = storePerTest(open, teardown);
    viewWriterContract(vs);
    customerListReaderContract(vs);
    accountDetailReaderContract(vs);
    viewGenerationsContract(vs);
    parkedEventsContract(vs);
  });
}
