import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { EVENT_TYPES, TENANT_ID } from '@app/domain';
import { POSITION_PATTERN } from '@app/event-store';

export class HistoryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) fromRevision?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class AsOfDto {
  /** An ISO-8601 instant: the account as it stood then. */
  @IsOptional() @IsISO8601({ strict: true }) at?: string;
  /** A stream revision: the account as that event left it. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) revision?: number;
}

export class AuditFeedDto {
  /** A position from a previous page's `nextAfter` (exclusive). */
  @IsOptional() @Matches(POSITION_PATTERN, { message: 'after must be a position' }) after?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsIn(EVENT_TYPES) type?: string;
}

export class ExportDto {
  /** One customer's history; otherwise all the caller's customers (then give from and/or to). */
  @IsOptional() @Matches(TENANT_ID, { message: 'customer must be a customer tenant id (UUID)' })
  customer?: string;
  /** Inclusive ISO-8601 lower bound on occurredAt. */
  @IsOptional() @IsISO8601({ strict: true }) from?: string;
  /** Exclusive ISO-8601 upper bound on occurredAt. */
  @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @IsOptional() @IsIn(['ndjson', 'csv']) format?: 'ndjson' | 'csv';
}
