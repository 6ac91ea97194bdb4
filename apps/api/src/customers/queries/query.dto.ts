import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { POSITION_PATTERN } from '@app/event-store';

export class FreshnessDto {
  /** A `position` from a write: the read waits until the view has it. */
  @IsOptional() @Matches(POSITION_PATTERN, { message: 'minPosition must be a position returned by a write' }) minPosition?: string;
}

export class ListCustomersDto extends FreshnessDto {
  /** Case-insensitive prefix of the friendly name or the domain. */
  @IsOptional() @IsString() @MaxLength(255) search?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) size?: number;
  /** The `continuationToken` of the previous page. */
  @IsOptional() @IsString() @MaxLength(2048) continuation?: string;
}
