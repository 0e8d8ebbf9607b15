/** Where a value sits inside a JSON document: object keys and array indexes, outermost first. */
export type JsonPath = readonly (string | number)[];

/** `payload.items.3.name`: the form every rejection's `path` takes. */
export function formatPath(path: JsonPath): string {
  return path.map(String).join(".");
}
