import { ScrollArea, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** hidden below this width (phones): the table keeps its key columns. */
  hiddenOnPhone?: boolean;
}

/** The app's one table: the library's table with our defaults (scrolls sideways on a phone, says when empty). */
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
