import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository';
import { assertValid, readBody, refuseClearing } from '../common/body';
import { NotFound, UnknownReferences } from '../common/errors';
import { FieldReader, isCode } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { IncidentsService } from '../incidents/incidents.service';
import { OutageManagerDto } from './outage-manager.dto';
import { StaffRepository } from './staff.repository';

@Injectable()
export class StaffService {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly staff: StaffRepository,
    private readonly areas: AreasRepository,
    private readonly incidents: IncidentsService,
  ) {}

  list(): Promise<OutageManagerDto[]> {
    return this.staff.findAll();
  }

  async get(id: number): Promise<OutageManagerDto> {
    const m = await this.staff.findById(id);
    if (!m) throw new NotFound('outage manager', id);
    return m;
  }

  async create(body: unknown): Promise<OutageManagerDto> {
    const r = readBody(body);
    const v = this.read(r, true);
    return this.db.transaction(async (em) => {
      const areaIds = await this.resolveAreas(v.areaCodes!);
      const id = await this.staff.insert(em, { name: v.name!, phone: v.phone!, email: v.email!, onDuty: v.onDuty ?? true });
      await this.staff.setAreas(em, id, areaIds);
      this.logger.log({ msg: 'outage manager created', managerId: id });
      return (await this.staff.findById(id, em))!;
    });
  }

  async patch(id: number, body: unknown, actor: string): Promise<OutageManagerDto> {
    const r = readBody(body);
    refuseClearing(r, body, ['name', 'phone', 'email', 'areaCodes', 'onDuty']);
    const v = this.read(r, false);
    return this.db.transaction(async (em) => {
      if (!(await this.staff.findById(id, em))) throw new NotFound('outage manager', id);
      await this.staff.update(em, id, { name: v.name, phone: v.phone, email: v.email, on_duty: v.onDuty });
      if (v.areaCodes) await this.staff.setAreas(em, id, await this.resolveAreas(v.areaCodes));
      if (v.onDuty === false) {
        const flagged = await this.incidents.managerWentOffDuty(em, id, actor);
        this.logger.log({ msg: 'outage manager went off duty', managerId: id, incidentsToReassign: flagged.length });
      }
      return (await this.staff.findById(id, em))!;
    });
  }

  private read(r: FieldReader, required: boolean) {
    r.onlyKnown(['name', 'phone', 'email', 'areaCodes', 'onDuty']);
    const v = {
      name: r.string('name', { required, max: 200 }),
      phone: r.has('phone') || !required ? r.phone('phone', this.config.defaultPhoneRegion) : r.fail('phone', 'is required'),
      email: r.has('email') || !required ? r.email('email') : r.fail('email', 'is required'),
      areaCodes: r.stringList('areaCodes', isCode, 'area codes'),
      onDuty: r.boolean('onDuty'),
    };
    if (required && !r.has('areaCodes')) r.fail('areaCodes', 'is required: the areas this manager covers');
    else if (v.areaCodes?.length === 0) r.fail('areaCodes', 'must name at least one area');
    assertValid(r);
    return v;
  }

  private async resolveAreas(codes: string[]): Promise<number[]> {
    const ids = await this.areas.idsByCodes(codes);
    const missing = codes.filter((c) => !ids.has(c));
    if (missing.length) throw new UnknownReferences([{ field: 'areaCodes', message: `unknown areas: ${missing.join(', ')}` }]);
    return codes.map((c) => ids.get(c)!);
  }
}
