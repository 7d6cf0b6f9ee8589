import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController, MeController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { RateLimitsModule } from '../rate-limits/rate-limits.module';

// The guard counts wrong keys (RateLimits): a module using AuthModule alone gets that too.
@Module({
  imports: [RateLimitsModule],
  controllers: [ApiKeysController, MeController],
  providers: [ApiKeysService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService],
})
export class AuthModule {}
