import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { AuthenticatedRequest, bearerToken, RateLimited, TokenVerifier } from '@app/platform';
import type { Request } from 'express';

export const ADDRESS = 'address';
export const PARTNER = 'partner';

/**
 * The throttler's guard for one of the named limits. Each runs at its own place among the global
 * guards (by address before authentication, by partner after it), so each keeps only its own.
 * Only `/v1` is limited: health probes, metrics scrapes, the docs and the console never are.
 */
abstract class OneLimitGuard extends ThrottlerGuard {
  protected abstract readonly limitName: string;
  protected abstract reason(limit: number): string;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((throttler) => throttler.name === this.limitName);
  }

  /** One count per caller across every route (the library's default counts each route apart). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, { limit, timeToBlockExpire }: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimited(timeToBlockExpire, this.reason(limit));
  }

  protected windowSeconds(): number {
    return Number(this.throttlers[0]?.ttl) / 1000;
  }
}

/**
 * Per client address, before authentication, for `/v1` requests without a token this process
 * verified lately: missing, malformed or bad tokens (and a valid token's first use, once per
 * verification). A flood of bad tokens is refused here, before any signature is checked; a caller
 * with a verified token is never counted here, however fast it goes.
 */
@Injectable()
export class AddressRateLimit extends OneLimitGuard {
  protected readonly limitName = ADDRESS;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.path.startsWith('/v1/')) return true;
    const token = bearerToken(request);
    return token !== undefined && this.verifier.trusted(token) !== undefined;
  }

  protected reason(limit: number): string {
    return `More than ${limit} requests without a valid token from this address in ${this.windowSeconds()} s.`;
  }
}

/** Per partner (the token's partner_id), after authentication: shared by all of a partner's callers. */
@Injectable()
export class PartnerRateLimit extends OneLimitGuard {
  protected readonly limitName = PARTNER;

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>().actor === undefined;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return (request as unknown as AuthenticatedRequest).actor.partnerId;
  }

  protected reason(limit: number): string {
    return `More than ${limit} requests from this partner in ${this.windowSeconds()} s.`;
  }
}
