import { Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatAgo } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { countsAge } from './progress';

/** The viewer's clock, read again every `ms`. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * How old an incident's counts are, once it matters: muted from 15 s, in red from a minute. The
 * age goes on growing while polls fail, so a board that stopped moving says so.
 */
export function CountsAge({ countsAt }: { countsAt: string | undefined }) {
  const { t, lang } = useI18n();
  const age = countsAge(countsAt, useNow(1000));
  if (!age || age.level === 'fresh') return null;
  return (
    <Text size="xs" c={age.level === 'stale' ? 'red' : 'dimmed'} fw={age.level === 'stale' ? 600 : undefined} data-testid="counts-age" data-level={age.level}>
      {t('board.countedAgo', { ago: formatAgo(age.seconds, lang) })}
    </Text>
  );
}
