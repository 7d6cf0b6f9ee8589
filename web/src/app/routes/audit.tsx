import { AuditLog } from '../../features/admin/AuditLog';
import { RequireRole } from '../RequireRole';

export default function AuditRoute() {
  return <RequireRole roles={['admin']}><AuditLog /></RequireRole>;
}
