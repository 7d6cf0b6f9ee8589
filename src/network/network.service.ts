import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository';
import { assertValid, readBody, refuseClearing } from '../common/body';
import { Conflict, NotFound, UnknownReferences } from '../common/errors';
import { assertNoCycle } from '../common/tree';
import { FieldError } from '../common/validation';
import { readNetworkElement } from './network-element-input';
import { pageOf, readSearchQuery } from '../reference/search-query';
import { NetworkElementDto, NetworkElementPageDto } from './network-element.dto';
import { NetworkRepository } from './network.repository';

@Injectable()
export class NetworkService {
  private readonly logger = new Logger(NetworkService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly elements: NetworkRepository,
    private readonly areas: AreasRepository,
  ) {}

  async get(code: string): Promise<NetworkElementDto> {
    const element = await this.elements.findByCode(code);
    if (!element) throw new NotFound('network element', code);
    return element;
  }

  async search(query: unknown): Promise<NetworkElementPageDto> {
    const q = readSearchQuery(query);
    return pageOf(await this.elements.search(q), q.limit);
  }

  async create(body: unknown): Promise<NetworkElementDto> {
    const r = readBody(body);
    const { code, name, kind, parentCode, areaCode } = readNetworkElement(r);
    assertValid(r);

    return this.db.transaction(async (em) => {
      const { parentId, areaId } = await this.resolve(parentCode, areaCode);
      if (await this.elements.findByCode(code!, em)) throw new Conflict('NETWORK_ELEMENT_EXISTS', `network element ${code} already exists`);
      await this.elements.insert(em, { code: code!, name: name!, kind: kind!, parentId: parentId ?? null, areaId: areaId ?? null });
      this.logger.log({ msg: 'network element created', code });
      return (await this.elements.findByCode(code!, em))!;
    });
  }

  async patch(code: string, body: unknown): Promise<NetworkElementDto> {
    const r = readBody(body);
    const { name, kind, parentCode, areaCode } = readNetworkElement(r, { partial: true });
    refuseClearing(r, body, ['name', 'kind']);
    assertValid(r);
    const input = body as Record<string, unknown>;

    return this.db.transaction(async (em) => {
      const element = await this.elements.findByCode(code, em);
      if (!element) throw new NotFound('network element', code);
      const { parentId, areaId } = await this.resolve(parentCode, areaCode);
      if (parentId !== undefined) await assertNoCycle(em, 'network_elements', element.id, parentId, parentCode!);
      await this.elements.update(em, element.id, {
        name,
        kind,
        parentId: input.parentCode === null ? null : parentId,
        areaId: input.areaCode === null ? null : areaId,
      });
      return (await this.elements.findByCode(code, em))!;
    });
  }

  /** Looks up the referenced codes, naming every one that does not exist. */
  private async resolve(parentCode?: string, areaCode?: string) {
    const errors: FieldError[] = [];
    const parentId = parentCode ? (await this.elements.idsByCodes([parentCode])).get(parentCode) : undefined;
    if (parentCode && parentId === undefined) errors.push({ field: 'parentCode', message: `network element ${parentCode} does not exist` });
    const areaId = areaCode ? (await this.areas.idsByCodes([areaCode])).get(areaCode) : undefined;
    if (areaCode && areaId === undefined) errors.push({ field: 'areaCode', message: `area ${areaCode} does not exist` });
    if (errors.length) throw new UnknownReferences(errors);
    return { parentId, areaId };
  }
}
