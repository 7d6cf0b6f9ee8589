import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface UnsubscribeRecipient {
  email: string | null;
  locale: string;
  emailConsent: boolean;
}

@Injectable()
export class UnsubscribeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findRecipient(subscriberId: number): Promise<UnsubscribeRecipient | undefined> {
    const rows: { email: string | null; locale: string; email_consent: boolean }[] = await this.db.query(
      `SELECT email, locale, email_consent FROM subscribers WHERE id = $1`,
      [subscriberId],
    );
    return rows[0] && { email: rows[0].email, locale: rows[0].locale, emailConsent: rows[0].email_consent };
  }

  /** Consent off; a second click changes nothing, not even updated_at. Undefined when there is no such subscriber. */
  async turnOffEmail(subscriberId: number): Promise<UnsubscribeRecipient | undefined> {
    // Wrapped in a SELECT: TypeORM hands back a bare UPDATE … RETURNING as [rows, count].
    const rows: { email: string | null; locale: string }[] = await this.db.query(
      `WITH changed AS (
         UPDATE subscribers
         SET email_consent = false, updated_at = CASE WHEN email_consent THEN now() ELSE updated_at END
         WHERE id = $1
         RETURNING email, locale)
       SELECT email, locale FROM changed`,
      [subscriberId],
    );
    return rows[0] && { email: rows[0].email, locale: rows[0].locale, emailConsent: false };
  }
}
