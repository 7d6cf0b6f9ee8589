import { createContext, useContext } from 'react';
import type { Me, Role } from '../api/types';

export const MeContext = createContext<Me | null>(null);

export function useCurrentUser(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useCurrentUser outside the signed-in layout');
  return me;
}

/** admin may do everything; the others what their role lists. */
export function allowed(role: Role, roles: readonly Role[]): boolean {
  return role === 'admin' || roles.includes(role);
}
