import { ApiProperty } from '@nestjs/swagger';

export class StatsDto {
  @ApiProperty({ description: 'Torrents in the catalog' }) torrents!: number;
  @ApiProperty({ description: 'Peers in all swarms' }) peers!: number;
  @ApiProperty() seeders!: number;
  @ApiProperty() leechers!: number;
  @ApiProperty({ description: 'Completion events recorded' }) completions!: number;
}
