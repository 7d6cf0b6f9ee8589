import { Alert, Button, FileInput, Progress, Select, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../lib/i18n';
import { IMPORT_KINDS, ImportKind, useImport } from './api';

type Problem = { line?: number; field?: string; message: string };

/** Upload a CSV / NDJSON file; a 422 shows each bad line and field in a table. */
export function Imports() {
  const { t } = useI18n();
  const [kind, setKind] = useState<ImportKind>('subscribers');
  const [file, setFile] = useState<File | null>(null);
  const upload = useImport();
  const problems: Problem[] = upload.error instanceof ApiError ? upload.error.details : [];

  return (
    <Stack maw={900}>
      <Title order={2}>{t('imports.title')}</Title>
      <Select label={t('imports.kind')} value={kind} onChange={(v) => v && setKind(v as ImportKind)} allowDeselect={false}
        data={IMPORT_KINDS.map((k) => ({ value: k, label: t(`imports.${k}`) }))} />
      <FileInput label={t('imports.file')} value={file} onChange={setFile} accept=".csv,.ndjson,.jsonl,text/csv" clearable />
      <Button onClick={() => file && upload.mutate({ kind, file })} disabled={!file} loading={upload.isPending} w="fit-content">
        {t('imports.upload')}
      </Button>
      {upload.isPending && <Progress value={100} animated aria-label={t('loading')} />}
      {upload.data && <Alert color="green" role="status">{t('imports.done', upload.data)}</Alert>}
      {upload.error && (
        <Alert color="red" role="alert" title={problems.length ? t('imports.failed') : undefined}>{upload.error.message}</Alert>
      )}
      {problems.length > 0 && (
        <DataTable<Problem>
          caption={t('imports.failed')}
          rows={problems}
          rowKey={(p) => `${p.line}:${p.field}:${p.message}`}
          columns={[
            { key: 'line', header: t('imports.line'), cell: (p) => p.line ?? '—' },
            { key: 'field', header: t('imports.field'), cell: (p) => p.field ?? '—' },
            { key: 'message', header: t('imports.problem'), cell: (p) => p.message },
          ]}
        />
      )}
    </Stack>
  );
}
