import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useReducedMotion } from '@mantine/hooks';
import { Navigate, NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useApiKey, useMe } from '../features/auth/api';
import { TranslationKey, useI18n } from '../lib/i18n';
import { setApiKey } from '../lib/session';
import { MeContext } from './me';

/** Navigation by role: each role sees only what it may do. */
const NAV: Array<{ to: string; label: TranslationKey; roles: Role[] }> = [
  { to: '/incidents', label: 'nav.board', roles: ['admin', 'noc'] },
  { to: '/declare', label: 'nav.declare', roles: ['admin', 'noc'] },
  { to: '/my', label: 'nav.my', roles: ['manager'] },
  { to: '/feedback', label: 'nav.feedback', roles: ['admin', 'manager'] },
  { to: '/managers', label: 'nav.managers', roles: ['admin', 'noc'] },
  { to: '/templates', label: 'nav.templates', roles: ['admin', 'noc'] },
  { to: '/admin/imports', label: 'nav.imports', roles: ['admin'] },
  { to: '/admin/keys', label: 'nav.keys', roles: ['admin'] },
  { to: '/admin/audit', label: 'nav.audit', roles: ['admin'] },
];

export function Layout() {
  const { t } = useI18n();
  const key = useApiKey();
  const me = useMe(key);
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const reduceMotion = useReducedMotion();

  if (!key) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  if (!me.data) return <Center mih="50vh">{me.error ? <Text c="red">{String(me.error)}</Text> : <Loader aria-label={t('loading')} />}</Center>;

  const role = me.data.role;
  return (
    <MeContext.Provider value={me.data}>
      <AppShell transitionDuration={reduceMotion ? 0 : 200} header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
              {/* A phone has room for the burger, a short name, the language switch and sign out; no more. */}
              <Title order={4} lineClamp={1} hiddenFrom="sm">{t('app.shortTitle')}</Title>
              <Title order={4} lineClamp={1} visibleFrom="sm">{t('app.title')}</Title>
            </Group>
            <Group wrap="nowrap" gap="xs">
              <Text size="sm" c="dimmed" visibleFrom="sm">{t('auth.signedInAs', { name: me.data.name, role: t(`role.${role}`) })}</Text>
              <LanguageSwitch />
              <Button variant="subtle" size="xs" onClick={() => setApiKey(null)}>{t('auth.signOut')}</Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Main">
          <Stack gap={2}>
            {NAV.filter((n) => n.roles.includes(role)).map((n) => (
              <NavLink key={n.to} component={RouterLink} to={n.to} label={t(n.label)} onClick={close} />
            ))}
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </MeContext.Provider>
  );
}

/** The landing page of each role. */
export function Home() {
  const { t } = useI18n();
  const key = useApiKey();
  const me = useMe(key);
  if (!me.data) return <Loader aria-label={t('loading')} />;
  return <Navigate to={me.data.role === 'manager' ? '/my' : '/incidents'} replace />;
}
