import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['admin', 'noc', 'manager'] as const;
export type Role = (typeof ROLES)[number];

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: ROLES, enumName: 'api_key_role' })
  role: Role;

  /** SHA-256 of the key: keys are 256-bit random, so a slow hash adds nothing. */
  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash: string;

  /** For manager keys: whose call lists this key may read. */
  @Column({ name: 'manager_id', type: 'integer', nullable: true })
  managerId: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
