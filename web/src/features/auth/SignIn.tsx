import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../../lib/i18n';
import { setApiKey } from '../../lib/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { checkKey } from './api';

export function SignIn() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { key: '' }, validate: { key: (v) => (v.trim() ? null : t('auth.invalid')) } });

  const submit = form.onSubmit(async ({ key }) => {
    setBusy(true);
    setFailed(null);
    try {
      const me = await checkKey(key.trim());
      if (!me) return setFailed(t('auth.invalid'));
      setApiKey(key.trim());
      navigate('/', { replace: true });
    } catch (e) {
      setFailed(t('error.generic', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  });

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={2}>{t('app.title')}</Title>
            <Text size="sm" c="dimmed">{t('auth.intro')}</Text>
            <PasswordInput label={t('auth.apiKey')} autoComplete="off" autoFocus {...form.getInputProps('key')} />
            {failed && <Alert color="red" role="alert">{failed}</Alert>}
            <Button type="submit" loading={busy}>{t('auth.signIn')}</Button>
            <LanguageSwitch />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
