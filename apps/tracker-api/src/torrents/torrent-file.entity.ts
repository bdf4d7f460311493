import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('torrent_files')
export class TorrentFileEntity {
  @PrimaryColumn({ name: 'info_hash', type: 'text' })
  infoHash!: string;

  @PrimaryColumn({ name: 'file_index', type: 'integer' })
  index!: number;

  /** Components joined with '/'; the core library has already made each component safe. */
  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'integer' })
  size!: number;
}
