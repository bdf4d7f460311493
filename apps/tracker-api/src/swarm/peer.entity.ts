import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Write-behind mirror of the in-memory swarms, read back only at start. */
@Entity('peers')
export class PeerEntity {
  /** Assigned in memory in increasing order (see SwarmPeer.row), so new peers append. */
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'info_hash', type: 'text' })
  infoHash!: string;

  /** Hex of the 20 raw bytes. */
  @Column({ name: 'peer_id', type: 'text' })
  peerId!: string;

  @Column({ type: 'text' })
  ip!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'integer' })
  uploaded!: number;

  @Column({ type: 'integer' })
  downloaded!: number;

  @Column({ type: 'integer' })
  left!: number;

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  @Column({ type: 'text', nullable: true })
  key!: string | null;

  /** Milliseconds since the epoch. */
  @Column({ name: 'last_announce', type: 'integer' })
  lastAnnounce!: number;
}
