import { IsIn, IsOptional, Matches } from 'class-validator';
import { EVENT_TYPES, TENANT_ID } from '@app/domain';
import { IntegerParam, IsInstant, IsPosition } from '../validation/params';

export class HistoryDto {
  @IsOptional() @IntegerParam(0) fromRevision?: number;
  @IsOptional() @IntegerParam(1, 1000) limit?: number;
}

export class AsOfDto {
  /** An RFC 3339 instant: the account as it stood then. */
  @IsOptional() @IsInstant() at?: string;
  /** A stream revision: the account as that event left it. */
  @IsOptional() @IntegerParam(0) revision?: number;
}

export class AuditFeedDto {
  /** A position from a previous page's `nextAfter` (exclusive). */
  @IsOptional() @IsPosition('after must be a position') after?: string;
  @IsOptional() @IntegerParam(1, 1000) limit?: number;
  @IsOptional() @IsIn(EVENT_TYPES) type?: string;
}

export class ExportDto {
  /** One customer's history; otherwise all the caller's customers (then give from and/or to). */
  @IsOptional() @Matches(TENANT_ID, { message: 'customer must be a customer tenant id (UUID)' })
  customer?: string;
  /** Inclusive RFC 3339 lower bound on occurredAt. */
  @IsOptional() @IsInstant() from?: string;
  /** Exclusive RFC 3339 upper bound on occurredAt. */
  @IsOptional() @IsInstant() to?: string;
  @IsOptional() @IsIn(['ndjson', 'csv']) format?: 'ndjson' | 'csv';
}
