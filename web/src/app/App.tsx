import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import 'dayjs/locale/ru';
import { useEffect } from 'react';
import { RouterProvider } from 'react-router';
import { ApiError } from '../api/client';
import { I18nProvider, useI18n } from '../lib/i18n';
import { onApiKeyChange } from '../lib/session';
import { router } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function Dated({ children }: { children: React.ReactNode }) {
  const { lang } = useI18n();
  return <DatesProvider settings={{ locale: lang, firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}

export function App() {
  // Signing out (or a 401) forgets everything the previous key could read.
  useEffect(() => onApiKeyChange(() => queryClient.clear()), []);
  return (
    <MantineProvider defaultColorScheme="light" theme={{ respectReducedMotion: true }}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <Dated>
            <RouterProvider router={router} />
          </Dated>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
