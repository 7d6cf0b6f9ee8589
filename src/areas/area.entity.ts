import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('areas')
export class AreaEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;

  /** ltree of ancestor ids and own id, maintained by the tree_set_path trigger. */
  @Column({ type: 'ltree', insert: false, update: false })
  path: string;

  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  /** Own time zone, else the nearest ancestor's; maintained by triggers. */
  @Column({ name: 'effective_timezone', type: 'text', nullable: true, insert: false, update: false })
  effectiveTimezone: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
