import { PipeTransform } from '@nestjs/common';
import { ValidationFailed } from './errors';
import { FieldReader } from './validation';

/** The request body as an object, refusing anything that is not a JSON object. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

export function readBody(body: unknown): FieldReader {
  return new FieldReader(bodyObject(body));
}

/**
 * For updates: a required field sent as null or "" cannot be cleared. The readers treat both
 * as "not given", which silently ignored such a request; naming the field is clearer.
 */
export function refuseClearing(reader: FieldReader, body: unknown, fields: readonly string[]): void {
  const input = bodyObject(body);
  for (const field of fields) {
    const v = input[field];
    if (v === null || (typeof v === 'string' && v.trim() === '')) reader.fail(field, 'cannot be cleared');
  }
}

/** Throws one 422 listing every field problem the reader collected. */
export function assertValid(reader: FieldReader): void {
  if (reader.errors.length > 0) throw new ValidationFailed(reader.errors);
}

/** Path ids: a positive integer, else a 422 naming the parameter. */
export class IdPipe implements PipeTransform<string, number> {
  constructor(private readonly field = 'id') {}

  transform(value: string): number {
    const id = /^\d{1,9}$/.test(value) ? Number(value) : 0;
    if (id < 1) throw new ValidationFailed([{ field: this.field, message: 'must be a positive integer' }]);
    return id;
  }
}
