import { AccountDetailReader } from './projections/account-detail/account-detail.reader';
import { CustomerListReader } from './projections/customer-list/customer-list.reader';
import { ParkedEvents } from './parked-events';
import { ViewGenerations } from './view-generations';
import { ViewWriter } from './view-writer';

/** One store's views seen through each port: what `ReadSideModule` provides, and what the contract suites test. */
export interface ViewPorts {
  readonly writer: ViewWriter;
  readonly generations: ViewGenerations;
  readonly parked: ParkedEvents;
  readonly customerList: CustomerListReader;
  readonly accountDetail: AccountDetailReader;
  close(): Promise<void>;
}

/** Inside the lib only: callers inject the port they use. */
export const VIEW_PORTS = Symbol('ViewPorts');
