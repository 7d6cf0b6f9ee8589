import { Imports } from '../../features/admin/Imports';
import { RequireRole } from '../RequireRole';

export default function ImportsRoute() {
  return <RequireRole roles={['admin']}><Imports /></RequireRole>;
}
