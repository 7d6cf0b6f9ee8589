import { Board } from '../../features/incidents/Board';
import { useI18n } from '../../lib/i18n';
import { RequireRole } from '../RequireRole';

export default function BoardRoute() {
  const { t } = useI18n();
  return (
    <RequireRole roles={['noc']}>
      <Board title={t('board.title')} />
    </RequireRole>
  );
}
