import { DeclareForm } from '../../features/incidents/DeclareForm';
import { RequireRole } from '../RequireRole';

export default function DeclareRoute() {
  return (
    <RequireRole roles={['noc']}>
      <DeclareForm />
    </RequireRole>
  );
}
