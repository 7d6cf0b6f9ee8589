import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-key.entity';

export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

/** Roles allowed on a route or controller; admin is always allowed. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No API key needed (health, public status, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface Caller {
  keyId: number;
  name: string;
  role: Role;
  managerId: number | null;
}
