import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { NotFound } from '../common/errors';
import { RateLimits } from '../rate-limits/rate-limits.service';
import { pickLocale, renderNotFound, renderStatusPage, STATUS_PAGE_ASSETS, StatusPageAsset } from './status-page.html';
import { PublicIncident, StatusPageService } from './status-page.service';

// Open incidents change often; closed ones hardly ever. Both are shared caches' business.
const cacheFor = (open: boolean) => (open ? 'public, max-age=30, stale-while-revalidate=30' : 'public, max-age=300');

@ApiTags('public')
@Public()
@Controller()
export class StatusPageController {
  constructor(private readonly status: StatusPageService, private readonly limits: RateLimits) {}

  /** Unknown codes count against the client address (RATE_LIMIT_UNKNOWN_CODES); known ones never do. */
  private find(code: string, req: Request) {
    return this.limits.lookup(req.ip, () => this.status.find(code), (e) => e instanceof NotFound);
  }

  @Get('v1/public/incidents/:code')
  @ApiOkResponse({ description: 'status, ETR, public updates and the manager\'s name; no personal data' })
  async json(@Param('code') code: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<PublicIncident> {
    const { incident, open } = await this.find(code, req);
    res.setHeader('Cache-Control', cacheFor(open));
    return incident;
  }

  /** The status page's script and style (no inline ones: see CONTENT_SECURITY_POLICY). */
  @Get('status/assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = Object.hasOwn(STATUS_PAGE_ASSETS, file) ? STATUS_PAGE_ASSETS[file as StatusPageAsset] : undefined;
    if (!asset) throw new NotFound('asset', file);
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.status(200).send(asset.body);
  }

  /** In the language the path or ?lang= names (messages link to /s/CODE/ru), else the browser's. */
  @Get(['status/:code', 'status/:code/:lang', 's/:code', 's/:code/:lang'])
  async html(
    @Param('code') code: string,
    @Param('lang') langStep: string | undefined,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const locale = pickLocale(acceptLanguage, langStep ?? lang);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Vary', 'Accept-Language');
    try {
      const { incident, open } = await this.find(code, req);
      res.setHeader('Cache-Control', cacheFor(open));
      res.status(200).send(renderStatusPage(incident, locale, open)); // Express adds an ETag and answers 304 to If-None-Match
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
      res.setHeader('Cache-Control', 'public, max-age=60');
      res.status(404).send(renderNotFound(locale));
    }
  }
}
