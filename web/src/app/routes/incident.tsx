import { useParams } from 'react-router';
import { IncidentActions } from '../../features/incidents/IncidentActions';
import { IncidentPage } from '../../features/incidents/IncidentPage';
import { MessageSearch } from '../../features/incidents/MessageSearch';
import { useIncident } from '../../features/incidents/api';
import { allowed, useCurrentUser } from '../me';

export default function IncidentRoute() {
  const id = Number(useParams().id);
  const me = useCurrentUser();
  const incident = useIncident(id);
  return (
    <IncidentPage
      id={id}
      actions={incident.data && allowed(me.role, ['noc']) ? <IncidentActions incident={incident.data} /> : undefined}
      tools={allowed(me.role, ['noc']) ? <MessageSearch incidentId={id} /> : undefined}
    />
  );
}
