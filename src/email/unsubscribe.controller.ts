import { Controller, Get, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { RateLimits } from '../rate-limits/rate-limits.service';
import { Public } from '../auth/roles.decorator';
import { InvalidUnsubscribeLink, UnsubscribeSubscriberGone } from './email.errors';
import { renderConfirm, renderDone, renderRefused, UNSUBSCRIBE_PAGE_CSS, unsubscribeLocale } from './unsubscribe.html';
import { UnsubscribeService } from './unsubscribe.service';

/** The links in our emails: a page with a button (GET) and RFC 8058 one-click (POST, also the button). */
@ApiTags('public')
@Public()
@Controller('v1/public/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService, private readonly limits: RateLimits) {}

  /** The pages' style (no inline one: see CONTENT_SECURITY_POLICY). */
  @Get('page.css')
  style(@Res() res: Response): void {
    res.setHeader('Content-Type', 'text/css; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.status(200).send(UNSUBSCRIBE_PAGE_CSS);
  }

  @Get()
  @ApiQuery({ name: 'token', description: 'from the List-Unsubscribe header or the link in the email' })
  @ApiOkResponse({ description: 'HTML page asking to confirm; changes nothing' })
  async confirm(@Query('token') token: unknown, @Headers('accept-language') acceptLanguage: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.reply(req, res, acceptLanguage, async () => {
      const r = await this.unsubscribes.recipient(token);
      return renderConfirm(unsubscribeLocale(r.locale, acceptLanguage), r.email, !r.emailConsent);
    });
  }

  @Post()
  @ApiQuery({ name: 'token', description: 'from the List-Unsubscribe header or the link in the email' })
  @ApiOkResponse({ description: 'email consent is off; HTML page saying so' })
  async unsubscribe(@Query('token') token: unknown, @Headers('accept-language') acceptLanguage: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.reply(req, res, acceptLanguage, async () => {
      const r = await this.unsubscribes.unsubscribe(token);
      return renderDone(unsubscribeLocale(r.locale, acceptLanguage), r.email);
    });
  }

  /** Pages, not the JSON error body: a person clicked a link. Forged links count against the address (RATE_LIMIT_UNKNOWN_CODES). */
  private async reply(req: Request, res: Response, acceptLanguage: string | undefined, render: () => Promise<string>): Promise<void> {
    // The token is in the URL: keep it out of caches and out of Referer headers.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    try {
      res.status(200).send(await this.limits.lookup(req.ip, render, (e) => e instanceof InvalidUnsubscribeLink));
    } catch (e) {
      if (!(e instanceof InvalidUnsubscribeLink) && !(e instanceof UnsubscribeSubscriberGone)) throw e;
      res.status(e.status).send(renderRefused(unsubscribeLocale(undefined, acceptLanguage), e.status as 400 | 404));
    }
  }
}
