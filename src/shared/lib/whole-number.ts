/**
 * A whole number from a query string or a var, `min`–`max`, `fallback` when
 * absent: the rule both Workers' configuration and the APIs' query strings
 * read numbers by. Pure.
 */
import * as z from "zod/mini";

export const wholeNumber = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.refine(Number.isInteger, "must be a whole number"), z.minimum(min), z.maximum(max)), fallback);
