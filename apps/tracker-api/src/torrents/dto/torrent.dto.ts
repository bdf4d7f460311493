import { ApiProperty } from '@nestjs/swagger';

export class TorrentSummaryDto {
  @ApiProperty({ example: 'c9e15763f722f23e98a29decdfae341b98d53056' }) infoHash!: string;
  @ApiProperty() title!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) category!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() totalSize!: number;
  @ApiProperty() pieceLength!: number;
  @ApiProperty() pieceCount!: number;
  @ApiProperty() fileCount!: number;
  @ApiProperty() private!: boolean;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ description: 'Live, from the swarm' }) seeders!: number;
  @ApiProperty({ description: 'Live, from the swarm' }) leechers!: number;
  @ApiProperty() completed!: number;
}

export class TorrentFileDto {
  @ApiProperty({ example: 'dir/file.iso' }) path!: string;
  @ApiProperty() size!: number;
}

export class TorrentDetailDto extends TorrentSummaryDto {
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) creationDate!: string | null;
  @ApiProperty({ type: [TorrentFileDto] }) files!: TorrentFileDto[];
  @ApiProperty() magnet!: string;
  @ApiProperty({ example: '/api/v1/torrents/c9e1.../torrent' }) torrentUrl!: string;
}

export class TorrentPageDto {
  @ApiProperty({ type: [TorrentSummaryDto] }) items!: TorrentSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class MagnetDto {
  @ApiProperty() magnet!: string;
}

export class CompletionPointDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() count!: number;
}

export class CompletionSeriesDto {
  @ApiProperty({ enum: ['hour', 'day'] }) bucket!: 'hour' | 'day';
  @ApiProperty({ type: [CompletionPointDto] }) points!: CompletionPointDto[];
}

export class CategoriesDto {
  @ApiProperty({ type: [String] }) categories!: string[];
}
