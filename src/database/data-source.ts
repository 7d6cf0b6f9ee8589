import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './options';

/** For the TypeORM CLI (migration:generate / run / revert). */
export default new DataSource(dataSourceOptions());
