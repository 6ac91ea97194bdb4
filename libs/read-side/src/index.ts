export * from './views';
export * from './view-store';
export { customerListProjection } from './projections/customer-list.projection';
export { accountDetailProjection } from './projections/account-detail.projection';
export { toProjectedEvent } from './projected-event';
export { ProjectionRunner } from './projection-runner';
export type { RunnerHooks } from './projection-runner';
export { SqliteViewStore } from './embedded/sqlite-view-store';
export { ReadSideModule } from './read-side.module';
