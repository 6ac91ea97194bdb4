import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_READER, EventReader } from '@app/event-store';
import { APP_CONFIG, boundedStore, MONGO_DB, PersonalDataConfig, readStoreFailure, StoreHealth, StoresConfig } from '@app/platform';
import { Db } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_KEY_STORE, DataKeyStore } from './data-key-store';
import { MasterKeys } from './master-keys';
import { MongoDataKeyStore } from './mongo-data-key-store';
import { OPENED_EVENT_READER, OpeningEventReader } from './opening-event-reader';
import { PersonalDataVault } from './personal-data-vault';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

@Injectable()
class KeyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_KEY_STORE) private readonly keys: DataKeyStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.keys.close();
  }
}

function embedded(config: StoresConfig): DataKeyStore {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteDataKeyStore(join(config.dataDir, 'keys.sqlite'));
}

/**
 * The vault and the opening event reader. Data keys live beside the views: in MongoDB with
 * `READ_STORE=mongodb`, else in `DATA_DIR/keys.sqlite`. Needs the platform and event-store modules.
 */
@Module({})
export class PersonalDataModule {
  static forRoot(personalData: PersonalDataConfig): DynamicModule {
    return {
      module: PersonalDataModule,
      global: true,
      providers: [
        {
          provide: DATA_KEY_STORE,
          inject: [APP_CONFIG, StoreHealth, { token: MONGO_DB, optional: true }],
          useFactory: (config: StoresConfig, health: StoreHealth, db: Db | undefined): DataKeyStore => {
            const keys = config.readStore.kind === 'mongodb' ? new MongoDataKeyStore(db!) : embedded(config);
            // A request that seals or opens a contact waits on it: bounded like every store call.
            return boundedStore(keys, {
              store: 'key-store',
              timeoutMs: config.timeouts.storeCallMs,
              classify: readStoreFailure,
              health,
              writes: ['findOrAdd', 'erase', 'rewrap'],
              // A key rotation's scan of every key may rightly take long.
              untimed: ['all'],
            });
          },
        },
        {
          provide: PersonalDataVault,
          inject: [DATA_KEY_STORE],
          useFactory: (keys: DataKeyStore) => new PersonalDataVault(keys, new MasterKeys(personalData.masterKey, personalData.previousMasterKeys)),
        },
        { provide: OPENED_EVENT_READER, inject: [EVENT_READER, PersonalDataVault], useFactory: (events: EventReader, vault: PersonalDataVault) => new OpeningEventReader(events, vault) },
        KeyStoreCloser,
      ],
      exports: [PersonalDataVault, OPENED_EVENT_READER],
    };
  }
}
