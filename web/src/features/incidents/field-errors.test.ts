import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { fieldErrors } from './field-errors';

describe(fieldErrors.name, () => {
  it('should put each API field error on the form field that names it when renamed', () => {
    const error = new ApiError(422, {
      error: {
        code: 'UNKNOWN_REFERENCES',
        message: 'unknown codes',
        details: [
          { field: 'scope.areaCodes[1]', message: 'area X does not exist' },
          { field: 'scope.areaCodes[2]', message: 'area Y does not exist' },
          { field: 'title', message: 'is required' },
          { line: 3, message: 'no field' },
        ],
      },
    });
    expect(fieldErrors(error, { 'scope.areaCodes': 'areaCodes' })).toEqual({
      areaCodes: 'area X does not exist; area Y does not exist',
      title: 'is required',
    });
  });
});
