import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, ProcessRole } from '../config/app-config';
import { dataSourceOptions } from './options';
import { TypeOrmJsonLogger } from '../common/typeorm-logger';
import { DATABASE_ROLE, ServerTimeoutsCheck } from './server-timeouts';

/** PostgreSQL for one role, with that role's timeouts (see AppConfig.databaseTimeouts). */
@Global()
@Module({})
export class DatabaseModule {
  static forRole(role: ProcessRole): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.databaseUrl, config.databaseTimeouts[role], config.databasePoolMode),
            logging: ['error'],
            logger: new TypeOrmJsonLogger(),
          }),
        }),
      ],
      providers: [{ provide: DATABASE_ROLE, useValue: role }, ServerTimeoutsCheck],
    };
  }
}
