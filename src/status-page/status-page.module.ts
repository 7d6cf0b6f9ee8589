import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { StatusPageController } from './status-page.controller';
import { StatusPageService } from './status-page.service';

@Module({ imports: [IncidentsModule], controllers: [StatusPageController], providers: [StatusPageService] })
export class StatusPageModule {}
