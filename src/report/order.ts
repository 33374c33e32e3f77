/**
 * The order the report lists names in: natural, so that numbered services read web-1, web-2,
 * web-10 (not web-1, web-10, web-2 as text sorts them). The locale is fixed ('en') so that the same
 * plan gives the same page on every machine.
 */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** naturalOrder on `name`. */
export const byName = (a: { readonly name: string }, b: { readonly name: string }): number => naturalOrder(a.name, b.name);
