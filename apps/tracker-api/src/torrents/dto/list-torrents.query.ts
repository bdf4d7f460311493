import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { EmptyAsAbsent, QueryInteger } from './empty-as-absent.js';

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
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional()
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  category?: string;

  @ApiPropertyOptional({ enum: SORT_FIELDS, default: 'uploaded' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(SORT_FIELDS)
  sort?: SortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'asc for name, desc otherwise' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @QueryInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @QueryInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}
