import { applyDecorators, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '../auth/roles.decorator';
import { ImportKindName } from './import-kinds';
import { ImportResultDto } from './import-result.dto';
import { UnsupportedImportType } from './import.errors';
import { ImportsService } from './imports.service';
import { ImportFormat } from './records';

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };

/** The import format from a Content-Type header; only UTF-8 text is accepted. */
export function importFormat(contentType: string | undefined): ImportFormat {
  const [type, ...params] = (contentType ?? '').toLowerCase().split(';').map((s) => s.trim());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  const format = FORMATS[type];
  if (!format || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) throw new UnsupportedImportType(contentType);
  return format;
}

function ImportEndpoint(path: string, columns: string) {
  return applyDecorators(
    Post(path),
    Roles('admin'),
    HttpCode(200),
    ApiOperation({
      summary: `Bulk upsert of ${path}, all-or-nothing`,
      description:
        `CSV with a header row (${columns}) or NDJSON, one object per line. Rows are upserted by their key and ` +
        'each line is the whole record: a field left empty or out is reset to its default. Any bad line imports ' +
        'nothing; the 422 lists the first 100 problems as {line, field, message}.',
    }),
    ApiConsumes('text/csv', 'application/x-ndjson'),
    ApiBody({ schema: { type: 'string', format: 'binary' } }),
    ApiOkResponse({ type: ImportResultDto }),
  );
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @ImportEndpoint('areas', 'code, name, parentCode, timezone')
  areas(@Req() req: Request): Promise<ImportResultDto> {
    return this.run('areas', req);
  }

  @ImportEndpoint('network-elements', 'code, name, kind, parentCode, areaCode')
  networkElements(@Req() req: Request): Promise<ImportResultDto> {
    return this.run('network-elements', req);
  }

  @ImportEndpoint(
    'subscribers',
    'externalId, name, phone, email, locale, timezone, quietStart, quietEnd, tier, flags (separated by ; or |), areaCode, accessElementCode, sms, emailConsent',
  )
  subscribers(@Req() req: Request): Promise<ImportResultDto> {
    return this.run('subscribers', req);
  }

  private run(kind: ImportKindName, req: Request): Promise<ImportResultDto> {
    const length = req.headers['content-length'];
    return this.imports.import(kind, importFormat(req.headers['content-type']), req, length ? Number(length) : undefined);
  }
}
