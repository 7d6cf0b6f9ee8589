import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions } from './options';
import { TypeOrmJsonLogger } from '../common/typeorm-logger';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.databaseUrl), logging: ['error'], logger: new TypeOrmJsonLogger() }),
    }),
  ],
})
export class DatabaseModule {}
