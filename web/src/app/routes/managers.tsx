import { Managers } from '../../features/staff/Managers';
import { allowed, useCurrentUser } from '../me';
import { RequireRole } from '../RequireRole';

export default function ManagersRoute() {
  const me = useCurrentUser();
  return <RequireRole roles={['noc']}><Managers canCreate={allowed(me.role, [])} /></RequireRole>;
}
