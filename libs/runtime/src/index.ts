// What every process of the service is assembled from (the API, the standalone projector, the
// operator CLI): the customer event store wired to the config, the projector under leases, and the
// health and metrics endpoints.
export { customerEventStoreModule, customerEventStoreOptions } from './customer-event-store';
export { ProjectorModule } from './projector.module';
export { ProjectorService } from './projector.service';
export { HealthController } from './health.controller';
