import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { CompletionBucket } from '../../completions/completion-log.js';

export class CompletionsQuery {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'day' })
  @IsOptional()
  @IsIn(['hour', 'day'])
  bucket?: CompletionBucket;
}
