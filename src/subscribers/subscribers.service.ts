import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository';
import { assertValid, bodyObject, refuseClearing } from '../common/body';
import { Conflict, NotFound, UnknownReferences, ValidationFailed } from '../common/errors';
import { FieldError, FieldReader } from '../common/validation';
import { phonePrefix, SEARCH_LIMIT } from '../reference/search-query';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NetworkRepository } from '../network/network.repository';
import { SubscriberDto, SubscriberPageDto } from './subscriber.dto';
import { readSubscriber, withDefaults } from './subscriber-input';
import { SubscribersRepository } from './subscribers.repository';

@Injectable()
export class SubscribersService {
  private readonly logger = new Logger(SubscribersService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscribers: SubscribersRepository,
    private readonly areas: AreasRepository,
    private readonly elements: NetworkRepository,
  ) {}

  /** Search by external id or phone prefix, or name fragment, paged by id. */
  async search(query: unknown): Promise<SubscriberPageDto> {
    const r = new FieldReader((query ?? {}) as Record<string, unknown>);
    r.onlyKnown(['q', 'cursor', 'limit']);
    const q = r.string('q', { max: 100 }) || undefined;
    const afterId = r.positiveInt('cursor');
    const limit = r.positiveInt('limit') ?? SEARCH_LIMIT.default;
    if (limit > SEARCH_LIMIT.max) r.fail('limit', `must be at most ${SEARCH_LIMIT.max}`);
    assertValid(r);
    const rows = await this.subscribers.search({ q, phone: q === undefined ? undefined : phonePrefix(q), afterId, limit });
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  async get(id: number): Promise<SubscriberDto> {
    const s = await this.subscribers.findById(id, this.config.defaultTimezone);
    if (!s) throw new NotFound('subscriber', id);
    return s;
  }

  async create(body: unknown): Promise<SubscriberDto> {
    const raw = bodyObject(body);
    const { value, errors } = readSubscriber(raw, this.config.defaultPhoneRegion);
    if (!value) throw new ValidationFailed(errors);
    const input = withDefaults(value);

    return this.db.transaction(async (em) => {
      const { areaId, accessElementId } = await this.resolve(input.areaCode, input.accessElementCode ?? undefined);
      if (await this.subscribers.idByExternalId(input.externalId, em)) {
        throw new Conflict('SUBSCRIBER_EXISTS', `a subscriber with externalId ${input.externalId} already exists`);
      }
      const id = await this.subscribers.insert(em, input, areaId!, accessElementId ?? null);
      this.logger.log({ msg: 'subscriber created', subscriberId: id });
      return (await this.subscribers.findById(id, this.config.defaultTimezone, em))!;
    });
  }

  async patch(id: number, body: unknown): Promise<SubscriberDto> {
    const raw = bodyObject(body);
    // null (or "") clears an optional field; readSubscriber treats both as "not given".
    const cleared = (f: string) => raw[f] === null || raw[f] === '';
    const { value, errors } = readSubscriber(raw, this.config.defaultPhoneRegion, { partial: true });
    if ('externalId' in raw) errors.push({ field: 'externalId', message: 'cannot be changed' });
    refuseClearing(new FieldReader(raw, '', errors), raw, ['name', 'areaCode', 'locale', 'tier', 'flags', 'channels']);
    if (!value || errors.length) throw new ValidationFailed(errors);

    return this.db.transaction(async (em) => {
      const current = await this.subscribers.findById(id, this.config.defaultTimezone, em);
      if (!current) throw new NotFound('subscriber', id);
      const phone = cleared('phone') ? null : value.phone ?? current.phone;
      const email = cleared('email') ? null : value.email ?? current.email;
      if (phone === null && email === null) {
        throw new ValidationFailed([{ field: 'phone', message: 'or email is required: a subscriber needs at least one channel' }]);
      }
      const { areaId, accessElementId } = await this.resolve(value.areaCode, value.accessElementCode ?? undefined);
      await this.subscribers.update(em, id, {
        name: value.name,
        phone,
        email,
        locale: value.locale,
        timezone: cleared('timezone') ? null : value.timezone,
        quiet_start: cleared('quietHours') ? null : value.quietStart,
        quiet_end: cleared('quietHours') ? null : value.quietEnd,
        tier: value.tier,
        flags: value.flags,
        area_id: areaId,
        access_element_id: cleared('accessElementCode') ? null : accessElementId,
        sms_consent: value.smsConsent,
        email_consent: value.emailConsent,
      });
      return (await this.subscribers.findById(id, this.config.defaultTimezone, em))!;
    });
  }

  private async resolve(areaCode?: string, accessElementCode?: string) {
    const errors: FieldError[] = [];
    const areaId = areaCode ? (await this.areas.idsByCodes([areaCode])).get(areaCode) : undefined;
    if (areaCode && areaId === undefined) errors.push({ field: 'areaCode', message: `area ${areaCode} does not exist` });
    const accessElementId = accessElementCode
      ? (await this.elements.idsByCodes([accessElementCode])).get(accessElementCode)
      : undefined;
    if (accessElementCode && accessElementId === undefined) {
      errors.push({ field: 'accessElementCode', message: `network element ${accessElementCode} does not exist` });
    }
    if (errors.length) throw new UnknownReferences(errors);
    return { areaId, accessElementId };
  }
}
