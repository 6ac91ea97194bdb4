import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IntegerParam, IsPosition } from '../../validation/params';

export class FreshnessDto {
  /** A `position` from a write: the read waits until the view has it. */
  @IsOptional() @IsPosition('minPosition must be a position returned by a write') minPosition?: string;
}

export class ListCustomersDto extends FreshnessDto {
  /** Case-insensitive prefix of the friendly name or the domain. */
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @IntegerParam(1, 200) size?: number;
  /** The `continuationToken` of the previous page. */
  @IsOptional() @IsString() @MaxLength(2048) continuation?: string;
}
