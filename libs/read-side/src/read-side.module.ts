import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteViewStore } from './embedded/sqlite-view-store';
import { VIEW_STORE, ViewStore } from './view-store';

@Injectable()
class ViewStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(VIEW_STORE) private readonly store: ViewStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

@Module({
  providers: [
    {
      provide: VIEW_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ViewStore => {
        mkdirSync(config.dataDir, { recursive: true });
        return new SqliteViewStore(join(config.dataDir, 'views.sqlite'));
      },
    },
    ViewStoreCloser,
  ],
  exports: [VIEW_STORE],
})
export class ReadSideModule {}
