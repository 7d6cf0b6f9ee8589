import { Alert } from '@mantine/core';
import { Board } from '../../features/incidents/Board';
import { useI18n } from '../../lib/i18n';
import { useCurrentUser } from '../me';
import { RequireRole } from '../RequireRole';

/** A manager's own open incidents; the call list hangs off each. */
export default function MyIncidentsRoute() {
  const { t } = useI18n();
  const me = useCurrentUser();
  return (
    <RequireRole roles={['manager']}>
      {me.manager ? <Board title={t('nav.my')} managerId={me.manager.id} /> : <Alert color="yellow">{t('nav.noManager')}</Alert>}
    </RequireRole>
  );
}
