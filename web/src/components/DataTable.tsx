import { Group, Paper, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** hidden below this width (phones): the table keeps its key columns. */
  hiddenOnPhone?: boolean;
}

/**
 * The app's one table: the library's table with our defaults (says when empty); on a phone each row
 * becomes a card of "header: value" lines, so nothing hides off the right edge.
 */
export function DataTable<T>(props: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  empty?: string;
  rowProps?: (row: T) => Record<string, unknown>;
  /** below this width the table scrolls sideways instead of crushing its cells. */
  minWidth?: number;
}) {
  const { caption, columns, rows, rowKey, empty, rowProps, minWidth } = props;
  const phone = useMediaQuery('(max-width: 48em)');
  if (phone) {
    return (
      <Stack gap="xs" role="list" aria-label={caption}>
        {rows.map((row) => (
          <Paper key={rowKey(row)} withBorder p="sm" role="listitem" {...(rowProps?.(row) ?? {})}>
            <Stack gap={6}>
              {columns.map((c) => (
                c.header ? (
                  <Group key={c.key} justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
                    <Text size="xs" c="dimmed" miw={80}>{c.header}</Text>
                    <div style={{ textAlign: 'right', minWidth: 0 }}>{c.cell(row)}</div>
                  </Group>
                ) : <div key={c.key}>{c.cell(row)}</div>
              ))}
            </Stack>
          </Paper>
        ))}
        {rows.length === 0 && empty && <Text c="dimmed" p="sm">{empty}</Text>}
      </Stack>
    );
  }
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={caption} miw={minWidth}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} visibleFrom={c.hiddenOnPhone ? 'sm' : undefined}>{c.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} {...(rowProps?.(row) ?? {})}>
              {columns.map((c) => (
                <Table.Td key={c.key} visibleFrom={c.hiddenOnPhone ? 'sm' : undefined}>{c.cell(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows.length === 0 && empty && <Text c="dimmed" p="sm">{empty}</Text>}
    </ScrollArea>
  );
}
