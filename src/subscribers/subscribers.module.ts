import { RetentionModule } from '../retention/retention.module';
import { Module } from '@nestjs/common';
import { AreasModule } from '../areas/areas.module';
import { NetworkModule } from '../network/network.module';
import { SubscribersController } from './subscribers.controller';
import { SubscribersRepository } from './subscribers.repository';
import { SubscribersService } from './subscribers.service';

@Module({
  imports: [AreasModule, NetworkModule, RetentionModule],
  controllers: [SubscribersController],
  providers: [SubscribersService, SubscribersRepository],
  exports: [SubscribersRepository],
})
export class SubscribersModule {}
