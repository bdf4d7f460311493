import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('torrents')
export class TorrentEntity {
  @PrimaryColumn({ name: 'info_hash', type: 'text' })
  infoHash!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  /** JSON array of lower-case tags. */
  @Column({ type: 'text', default: '[]' })
  tags!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'total_size', type: 'integer' })
  totalSize!: number;

  @Column({ name: 'piece_length', type: 'integer' })
  pieceLength!: number;

  @Column({ name: 'piece_count', type: 'integer' })
  pieceCount!: number;

  @Column({ name: 'file_count', type: 'integer' })
  fileCount!: number;

  @Column({ type: 'boolean', default: false })
  private!: boolean;

  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** Milliseconds since the epoch, from the file's `creation date`. */
  @Column({ name: 'creation_date', type: 'integer', nullable: true })
  creationDate!: number | null;

  /** JSON `{ trackers, webSeeds }` from the file (tiers flattened), for magnet links. */
  @Column({ type: 'text', default: '[]' })
  trackers!: string;

  /** Milliseconds since the epoch. */
  @Column({ name: 'uploaded_at', type: 'integer' })
  uploadedAt!: number;

  @Column({ type: 'integer', default: 0 })
  completed!: number;

  /** The uploaded .torrent, byte for byte. */
  @Column({ name: 'torrent_data', type: 'blob', select: false })
  torrentData!: Buffer;
}
