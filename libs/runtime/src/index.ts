// What every process of the service is assembled from (the API, the standalone projector, the
// operator CLI): the customer event store wired to the config, the projector under leases, and the
// health and metrics endpoints.
export { customerEventStoreModule, customerEventStoreOptions } from './customer-event-store';
export { ProjectorModule } from './projector.module';
export { ProjectorService } from './projector.service';
export { HealthController } from './health.controller';
export { PersonalDataModule } from './personal-data/personal-data.module';
export { PersonalDataVault } from './personal-data/personal-data-vault';
export { OPENED_EVENT_READER, OpeningEventReader } from './personal-data/opening-event-reader';
export { MasterKeys, masterKeyId } from './personal-data/master-keys';
export type { WrappedDataKey } from './personal-data/master-keys';
export { SqliteDataKeyStore } from './personal-data/sqlite-data-key-store';
export { MongoDataKeyStore } from './personal-data/mongo-data-key-store';
export type { DataKeyStore } from './personal-data/data-key-store';
