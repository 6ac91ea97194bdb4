import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { EVENT_TYPES, TENANT_ID } from '@app/domain';
import { INSTANT_DOC, POSITION_DOC } from '../openapi/schemas';
import { IntegerParam, IsInstant, IsPosition } from '../validation/params';

const REVISION = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export class HistoryDto {
  @ApiPropertyOptional({ ...REVISION, default: 0, description: 'The first revision to return.' })
  @IsOptional()
  @IntegerParam(0)
  fromRevision?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @IntegerParam(1, 1000)
  limit?: number;
}

export class AsOfDto {
  @ApiPropertyOptional({ ...INSTANT_DOC, description: 'An RFC 3339 instant: the account as it stood then. Give this or revision.' })
  @IsOptional()
  @IsInstant()
  at?: string;

  @ApiPropertyOptional({ ...REVISION, description: 'A stream revision: the account as that event left it. Give this or at.' })
  @IsOptional()
  @IntegerParam(0)
  revision?: number;
}

export class AuditFeedDto {
  @ApiPropertyOptional({ ...POSITION_DOC, description: "The previous page's `nextAfter` (exclusive)." })
  @IsOptional()
  @IsPosition('after must be a position')
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @IntegerParam(1, 1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'string', enum: EVENT_TYPES, description: 'Only events of this type.' })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: string;
}

export class ExportDto {
  @ApiPropertyOptional({ type: 'string', pattern: TENANT_ID.source, description: "One customer's history; otherwise all the partner's customers (then give from and/or to)." })
  @IsOptional()
  @Matches(TENANT_ID, { message: 'customer must be a customer tenant id (UUID)' })
  customer?: string;

  @ApiPropertyOptional({ ...INSTANT_DOC, description: 'Inclusive RFC 3339 lower bound on occurredAt.' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ ...INSTANT_DOC, description: 'Exclusive RFC 3339 upper bound on occurredAt.' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';
}
