import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Role } from '../api/types';
import { useI18n } from '../lib/i18n';
import { allowed, useCurrentUser } from './me';

export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { t } = useI18n();
  const me = useCurrentUser();
  if (!allowed(me.role, roles)) return <Alert color="yellow" role="alert">{t('nav.notAllowed')}</Alert>;
  return <>{children}</>;
}
