import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Locale, Tier } from '../common/validation';

@Entity('subscribers')
export class SubscriberEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ name: 'external_id', type: 'text', unique: true })
  externalId: string;

  @Column({ type: 'text' })
  name: string;

  /** E.164 */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', default: 'ru' })
  locale: Locale;

  @Column({ type: 'text', nullable: true })
  timezone: string | null;

  /** Quiet window in local minutes after midnight; null means the operator default. */
  @Column({ name: 'quiet_start', type: 'smallint', nullable: true })
  quietStart: number | null;

  @Column({ name: 'quiet_end', type: 'smallint', nullable: true })
  quietEnd: number | null;

  @Column({ type: 'enum', enum: ['residential', 'business', 'vip'], enumName: 'subscriber_tier', default: 'residential' })
  tier: Tier;

  @Column({ type: 'text', array: true, default: '{}' })
  flags: string[];

  @Column({ name: 'area_id', type: 'integer' })
  areaId: number;

  @Column({ name: 'access_element_id', type: 'integer', nullable: true })
  accessElementId: number | null;

  @Column({ name: 'sms_consent', type: 'boolean', default: true })
  smsConsent: boolean;

  @Column({ name: 'email_consent', type: 'boolean', default: true })
  emailConsent: boolean;

  @Column({ name: 'sms_opted_out_at', type: 'timestamptz', nullable: true })
  smsOptedOutAt: Date | null;

  /** Set by DELETE /v1/subscribers/:id: the personal fields are emptied, the row stays for the counts. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
