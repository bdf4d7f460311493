import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EmptyAsAbsent } from './empty-as-absent.js';

/** The text fields of the multipart upload; the file itself is the `torrent` field. */
export class UploadTorrentDto {
  @ApiPropertyOptional({
    description: 'Display title; the torrent name when absent',
    maxLength: 200,
  })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ example: 'linux', maxLength: 40 })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, {
    message: 'category must be letters, digits, spaces, dots, dashes or underscores',
  })
  category?: string;

  @ApiPropertyOptional({ description: 'Comma-separated', example: 'iso,debian', maxLength: 500 })
  @EmptyAsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  tags?: string;
}
