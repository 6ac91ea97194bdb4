import { DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { AppConfig, Clock, CLOCK, MONGO_DB } from '@app/platform';
import { Db } from 'mongodb';
import { ADDRESS, AddressRateLimit, PARTNER, PartnerRateLimit } from './rate-limit.guards';
import { MemoryThrottlerStorage } from './memory-throttler-storage';
import { MongoThrottlerStorage } from './mongo-throttler-storage';

/**
 * The rate limits (RATE_LIMIT_*), counted in MongoDB when the service has one, so that they hold
 * across API processes, and in memory on the embedded default (one process). A limit of 0 is off.
 */
@Module({})
export class RateLimitsModule {
  static forRoot({ rateLimits }: AppConfig): DynamicModule {
    const ttl = rateLimits.windowSeconds * 1000;
    const throttlers: ThrottlerOptions[] = [
      { name: ADDRESS, ttl, limit: rateLimits.perAddress },
      { name: PARTNER, ttl, limit: rateLimits.perPartner },
    ].filter((throttler) => throttler.limit > 0);
    return {
      module: RateLimitsModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [CLOCK, { token: MONGO_DB, optional: true }],
          useFactory: async (clock: Clock, db?: Db) => ({
            throttlers,
            storage: db ? await MongoThrottlerStorage.open(db, clock) : new MemoryThrottlerStorage(clock),
            // The standard Retry-After comes with the 429 problem; no X-RateLimit-* headers on every answer.
            setHeaders: false,
          }),
        }),
      ],
      providers: [AddressRateLimit, PartnerRateLimit],
      exports: [AddressRateLimit, PartnerRateLimit],
    };
  }
}
