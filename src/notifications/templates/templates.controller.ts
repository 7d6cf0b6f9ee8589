import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { assertValid } from '../../common/body';
import { FieldReader } from '../../common/validation';
import { TemplateService } from './template.service';
import { MESSAGE_KINDS, TEMPLATE_CHANNELS, TEMPLATE_LOCALES, TemplatePreview } from './template.types';

class TemplatePreviewDto implements TemplatePreview {
  @ApiProperty({ enum: MESSAGE_KINDS }) kind: TemplatePreview['kind'];
  @ApiProperty({ enum: TEMPLATE_LOCALES }) locale: TemplatePreview['locale'];
  @ApiProperty({ enum: TEMPLATE_CHANNELS }) channel: TemplatePreview['channel'];
  @ApiPropertyOptional({ description: 'email only' }) subject?: string;
  @ApiProperty() text: string;
  @ApiPropertyOptional({ description: 'email only' }) html?: string;
  @ApiProperty({ enum: ['gsm7', 'ucs2'] }) encoding: TemplatePreview['encoding'];
  @ApiProperty({ description: 'SMS parts the text takes' }) segments: number;
  @ApiProperty() characters: number;
}

@ApiTags('templates')
@ApiBearerAuth()
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplateService) {}

  @Get('preview')
  @Roles('noc')
  @ApiOkResponse({ type: TemplatePreviewDto, description: 'the template rendered for a sample subscriber and incident' })
  @ApiQuery({ name: 'kind', enum: MESSAGE_KINDS })
  @ApiQuery({ name: 'locale', enum: TEMPLATE_LOCALES })
  @ApiQuery({ name: 'channel', enum: TEMPLATE_CHANNELS })
  preview(@Query() query: Record<string, unknown>): TemplatePreviewDto {
    const r = new FieldReader(query);
    r.onlyKnown(['kind', 'locale', 'channel']);
    const required = <T extends string>(field: string, values: readonly T[]) =>
      r.has(field) ? r.oneOf(field, values) : r.fail(field, 'is required');
    const kind = required('kind', MESSAGE_KINDS);
    const locale = required('locale', TEMPLATE_LOCALES);
    const channel = required('channel', TEMPLATE_CHANNELS);
    assertValid(r);
    return this.templates.preview(kind!, locale!, channel!);
  }
}
