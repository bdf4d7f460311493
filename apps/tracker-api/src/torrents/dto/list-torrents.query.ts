import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const SORT_FIELDS = [
  'uploaded',
  'seeders',
  'leechers',
  'completed',
  'size',
  'name',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export class ListTorrentsQuery {
  @ApiPropertyOptional({ description: 'Full-text search over title, name, file names and tags' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  category?: string;

  @ApiPropertyOptional({ enum: SORT_FIELDS, default: 'uploaded' })
  @IsOptional()
  @IsIn(SORT_FIELDS)
  sort?: SortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'asc for name, desc otherwise' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}
