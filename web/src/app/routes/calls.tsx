import { useParams } from 'react-router';
import { CallList } from '../../features/calls/CallList';
import { useIncident } from '../../features/incidents/api';
import { RequireRole } from '../RequireRole';

export default function CallsRoute() {
  const id = Number(useParams().id);
  const incident = useIncident(id, { poll: false });
  return (
    <RequireRole roles={['noc', 'manager']}>
      <CallList incidentId={id} title={incident.data ? `${incident.data.code} · ${incident.data.title}` : ''} />
    </RequireRole>
  );
}
