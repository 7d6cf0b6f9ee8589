import { ApiKeys } from '../../features/admin/ApiKeys';
import { RequireRole } from '../RequireRole';

export default function KeysRoute() {
  return <RequireRole roles={['admin']}><ApiKeys /></RequireRole>;
}
