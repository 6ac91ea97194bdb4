import { Projection, ViewDocument, ViewName } from '../views';
import { accountDetailProjection } from './account-detail/account-detail.projection';
import { customerListProjection } from './customer-list/customer-list.projection';

/** Every view by name: what the projector keeps, rebuild and verify can address, and the status reports. */
export const PROJECTIONS: Readonly<Record<ViewName, Projection<ViewDocument>>> = {
  'customer-list': customerListProjection,
  'account-detail': accountDetailProjection,
};
