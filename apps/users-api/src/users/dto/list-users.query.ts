import { DecimalInteger } from '@app/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Deeper pages are refused rather than handed to PostgreSQL as an out-of-range bigint. */
export const MAX_OFFSET = 1_000_000;

export class ListUsersQuery {
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset = 0;
}
