import { Module } from '@nestjs/common';
import { AreasModule } from '../areas/areas.module';
import { NetworkController } from './network.controller';
import { NetworkRepository } from './network.repository';
import { NetworkService } from './network.service';

@Module({
  imports: [AreasModule],
  controllers: [NetworkController],
  providers: [NetworkService, NetworkRepository],
  exports: [NetworkRepository],
})
export class NetworkModule {}
