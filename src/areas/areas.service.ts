import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertValid, readBody, refuseClearing } from '../common/body';
import { Conflict, NotFound, UnknownReferences } from '../common/errors';
import { assertNoCycle } from '../common/tree';
import { readArea } from './area-input';
import { pageOf, readSearchQuery } from '../reference/search-query';
import { AreaDto, AreaPageDto } from './area.dto';
import { AreasRepository } from './areas.repository';

@Injectable()
export class AreasService {
  private readonly logger = new Logger(AreasService.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly areas: AreasRepository) {}

  async get(code: string): Promise<AreaDto> {
    const area = await this.areas.findByCode(code);
    if (!area) throw new NotFound('area', code);
    return area;
  }

  async search(query: unknown): Promise<AreaPageDto> {
    const q = readSearchQuery(query);
    return pageOf(await this.areas.search(q), q.limit);
  }

  async create(body: unknown): Promise<AreaDto> {
    const r = readBody(body);
    const { code, name, parentCode, timezone } = readArea(r);
    assertValid(r);

    return this.db.transaction(async (em) => {
      const parentId = parentCode ? await this.resolveParent(parentCode) : null;
      if (await this.areas.findByCode(code!, em)) throw new Conflict('AREA_EXISTS', `area ${code} already exists`);
      await this.areas.insert(em, { code: code!, name: name!, parentId, timezone: timezone ?? null });
      this.logger.log({ msg: 'area created', code });
      return (await this.areas.findByCode(code!, em))!;
    });
  }

  async patch(code: string, body: unknown): Promise<AreaDto> {
    const r = readBody(body);
    const { name, parentCode, timezone } = readArea(r, { partial: true });
    refuseClearing(r, body, ['name']);
    assertValid(r);
    const input = body as Record<string, unknown>;

    return this.db.transaction(async (em) => {
      const area = await this.areas.findByCode(code, em);
      if (!area) throw new NotFound('area', code);
      let parentId: number | null | undefined;
      if (input.parentCode === null) parentId = null;
      else if (parentCode !== undefined) {
        parentId = await this.resolveParent(parentCode);
        await assertNoCycle(em, 'areas', area.id, parentId, parentCode);
      }
      await this.areas.update(em, area.id, {
        name,
        parentId,
        timezone: input.timezone === null ? null : timezone,
      });
      return (await this.areas.findByCode(code, em))!;
    });
  }

  private async resolveParent(parentCode: string): Promise<number> {
    const id = (await this.areas.idsByCodes([parentCode])).get(parentCode);
    if (id === undefined) throw new UnknownReferences([{ field: 'parentCode', message: `area ${parentCode} does not exist` }]);
    return id;
  }
}
