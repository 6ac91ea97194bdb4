import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { POSITION_DOC } from '../../openapi/schemas';
import { IntegerParam, IsPosition } from '../../validation/params';

export class FreshnessDto {
  @ApiPropertyOptional({ ...POSITION_DOC, description: 'A `position` from a write: the read waits (bounded) until the view has it, else 503 VIEW_NOT_CAUGHT_UP.' })
  @IsOptional()
  @IsPosition('minPosition must be a position returned by a write')
  minPosition?: string;
}

export class ListCustomersDto extends FreshnessDto {
  @ApiPropertyOptional({ type: 'string', maxLength: 255, description: 'Case-insensitive prefix of the friendly name or the domain.', example: 'cont' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Items per page.' })
  @IsOptional()
  @IntegerParam(1, 200)
  size?: number;

  @ApiPropertyOptional({ type: 'string', maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$', description: 'The `continuationToken` of the previous page.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'continuation must be a continuationToken from a previous page' })
  @MaxLength(2048)
  continuation?: string;
}
