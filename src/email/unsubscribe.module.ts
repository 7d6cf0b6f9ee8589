import { Module } from '@nestjs/common';
import { SettingsRepository } from '../settings/settings.repository';
import { UnsubscribeLinks } from './unsubscribe-links';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeRepository } from './unsubscribe.repository';
import { UnsubscribeService } from './unsubscribe.service';

/** The api role's half of email: the unsubscribe links' endpoint. */
@Module({ controllers: [UnsubscribeController], providers: [UnsubscribeService, UnsubscribeRepository, UnsubscribeLinks, SettingsRepository] })
export class UnsubscribeModule {}
