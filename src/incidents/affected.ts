/** A scope resolved to ids: every area / element inside a scoped node's subtree. */
export interface ResolvedScope {
  areaCodes: string[];
  elementCodes: string[];
  areaIds: number[];
  elementIds: number[];
  /** The scoped nodes themselves (not their subtrees), stored on the incident. */
  scopeAreaIds: number[];
  scopeElementIds: number[];
}

/**
 * The affected set, as a condition on `subscribers s` with the scope's area ids in $1 and element
 * ids in $2: the subscriber's area is in a scoped subtree or their access element is.
 * `= ANY(array)` is hashed by PostgreSQL for large arrays and becomes index scans for small ones.
 * Erased subscribers (DELETE /v1/subscribers/:id) are nobody to tell or call.
 */
export const AFFECTED = `((s.area_id = ANY($1::int[]) OR s.access_element_id = ANY($2::int[])) AND s.erased_at IS NULL)`;
