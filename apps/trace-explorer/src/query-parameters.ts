/** A request's query string as Nest's `@Query()` hands it over: repeated names become arrays. */
export type QueryParameters = Record<string, string | string[] | undefined>;

/** The first value given for `name`; undefined when absent or empty. */
export function firstValue(parameters: QueryParameters, name: string): string | undefined {
  const value = parameters[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** Every value given for `name`. */
export function allValues(parameters: QueryParameters, name: string): string[] {
  const value = parameters[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
