import { Module } from '@nestjs/common';
import { TemplateService } from './template.service';
import { TemplatesController } from './templates.controller';

/** Message templates: TemplateService for the engine (both roles), the preview endpoint in the api role. */
@Module({ controllers: [TemplatesController], providers: [TemplateService], exports: [TemplateService] })
export class TemplatesModule {}
