import { MultiSelect } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';

/** Picks codes by type-ahead over the server's search (code prefix or name fragment). */
export function CodePicker(props: {
  label: string;
  placeholder: string;
  value: string[];
  onChange: (codes: string[]) => void;
  useSearch: (q: string) => { data?: Array<{ code: string; name: string }> };
  error?: React.ReactNode;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 200);
  const found = props.useSearch(q.trim()).data ?? [];
  // Remember the names of what was picked, so they stay readable after the search moves on.
  const [names, setNames] = useState<Record<string, string>>({});
  const options = new Map<string, string>();
  for (const code of props.value) options.set(code, names[code] ?? code);
  for (const f of found) options.set(f.code, `${f.code} — ${f.name}`);

  return (
    <MultiSelect
      label={props.label}
      placeholder={props.placeholder}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      data={[...options].map(([value, label]) => ({ value, label }))}
      filter={({ options: all }) => all}
      value={props.value}
      onChange={(codes) => {
        setNames((prev) => ({ ...prev, ...Object.fromEntries(found.filter((f) => codes.includes(f.code)).map((f) => [f.code, `${f.code} — ${f.name}`])) }));
        props.onChange(codes);
      }}
      error={props.error}
      hidePickedOptions
      clearable
      nothingFoundMessage="—"
    />
  );
}
