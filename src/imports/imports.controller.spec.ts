import { importFormat } from './imports.controller';
import { UnsupportedImportType } from './import.errors';

describe(importFormat.name, () => {
  it('should accept CSV and NDJSON with or without a UTF-8 charset', () => {
    expect(importFormat('text/csv')).toBe('csv');
    expect(importFormat('Text/CSV; charset="UTF-8"')).toBe('csv');
    expect(importFormat('application/x-ndjson;charset=utf-8')).toBe('ndjson');
  });

  it('should refuse other types and other charsets', () => {
    for (const t of [undefined, 'application/json', 'text/plain', 'text/csv; charset=windows-1251']) {
      expect(() => importFormat(t)).toThrow(UnsupportedImportType);
    }
  });
});
