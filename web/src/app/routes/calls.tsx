import { useParams } from 'react-router';
import { CallList } from '../../features/calls/CallList';
import { useIncident } from '../../features/incidents/api';
import { useI18n } from '../../lib/i18n';
import { inLang } from '../../lib/localized';
import { RequireRole } from '../RequireRole';

export default function CallsRoute() {
  const id = Number(useParams().id);
  const incident = useIncident(id, { poll: false });
  const { lang } = useI18n();
  return (
    <RequireRole roles={['noc', 'manager']}>
      <CallList incidentId={id} title={incident.data ? `${incident.data.code} · ${inLang(incident.data.title, incident.data.titles, lang)}` : ''} />
    </RequireRole>
  );
}
