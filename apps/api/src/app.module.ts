import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, AuthGuard, PlatformModule, PlatformOptions, ProblemFilter } from '@app/platform';
import { ReadSideModule } from '@app/read-side';
import { customerEventStoreModule, HealthController, PersonalDataModule, ProjectorModule } from '@app/runtime';
import { AuditController } from './audit/audit.controller';
import { GetAccountAsOfHandler } from './audit/account-as-of.query';
import { GetAuditFeedHandler } from './audit/audit-feed.query';
import { GetCustomerHistoryHandler } from './audit/customer-history.query';
import { ConsoleModule } from './console/console.module';
import { CommandDispatcher } from './customers/commands/command-dispatcher';
import { CustomerCommandHandler } from './customers/commands/customer-command.handler';
import { CustomerCommandsController } from './customers/commands/customer-commands.controller';
import { GetAccountDetailHandler } from './customers/queries/account-detail.query';
import { CustomerQueriesController } from './customers/queries/customer-queries.controller';
import { ListCustomersHandler } from './customers/queries/list-customers.query';
import { ViewFreshness } from './customers/queries/view-freshness';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ProjectionsController } from './operations/projections.controller';
import { AddressRateLimit, PartnerRateLimit } from './rate-limits/rate-limit.guards';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { validationPipe } from './validation/validation.pipe';

/** The API; on the embedded default it also runs the projector in the same process. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, platform: PlatformOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, platform),
        CqrsModule.forRoot(),
        customerEventStoreModule(),
        PersonalDataModule.forRoot(config.personalData),
        ReadSideModule,
        IdempotencyModule,
        RateLimitsModule.forRoot(config),
        ...(config.runProjector ? [ProjectorModule] : []),
        ConsoleModule.forRoot(config),
      ],
      controllers: [CustomerCommandsController, CustomerQueriesController, AuditController, ProjectionsController, HealthController],
      providers: [
        // In this order: a flood of bad tokens is cut off by address before any signature is
        // checked; a partner is counted once its token is.
        { provide: APP_GUARD, useExisting: AddressRateLimit },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useExisting: PartnerRateLimit },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
        CommandDispatcher,
        CustomerCommandHandler,
        ListCustomersHandler,
        GetAccountDetailHandler,
        GetCustomerHistoryHandler,
        GetAccountAsOfHandler,
        GetAuditFeedHandler,
        ViewFreshness,
      ],
    };
  }
}
