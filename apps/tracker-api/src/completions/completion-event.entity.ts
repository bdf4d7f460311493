import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('completion_events')
@Index('idx_completion_events_hash_at', ['infoHash', 'at'])
export class CompletionEventEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'info_hash', type: 'text' })
  infoHash!: string;

  @Column({ name: 'peer_id', type: 'text' })
  peerId!: string;

  @Column({ type: 'text' })
  ip!: string;

  /** Milliseconds since the epoch. */
  @Column({ type: 'integer' })
  at!: number;
}
