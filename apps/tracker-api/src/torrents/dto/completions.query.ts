import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { EmptyAsAbsent } from './empty-as-absent.js';
import type { CompletionBucket } from '../../completions/completion-log.js';

export class CompletionsQuery {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'day' })
  @EmptyAsAbsent()
  @IsOptional()
  @IsIn(['hour', 'day'])
  bucket?: CompletionBucket;
}
