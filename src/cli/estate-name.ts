import { estateFile } from '../manifest/schema';

/** estate.yaml's limit on `name`: it prefixes every stack. */
const MAX = 20;

/** The name `init` gives an estate whose folder's name makes none. */
export const DEFAULT_ESTATE_NAME = 'my-estate';

/**
 * An estate name made from a folder's name, by the rules of estate.yaml's `name`: lower-case
 * letters, digits and hyphens, a letter first, at most 20 characters, not ending in a hyphen.
 * Accents are dropped, other characters become hyphens, and what comes before the first letter
 * goes; a name too long is cut after its last whole word that fits:
 * `Justice_Digital` → `justice-digital`, `2024 Prisons` → `prisons`,
 * `HMPPS Digital Prison Services` → `hmpps-digital-prison`.
 *
 * @returns the name, or undefined when nothing valid remains (a folder named `2024` or `_`)
 */
export function estateNameFrom(folder: string): string | undefined {
  const name = folder
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  // Too long: cut after the last whole word that fits, or mid-word when the first is that long.
  const short = name.length <= MAX ? name : (/^(.{1,20})-/.exec(name.slice(0, MAX + 1))?.[1] ?? name.slice(0, MAX)).replace(/-+$/, '');
  // Checked against the schema itself, so that init follows its rules if they change.
  return estateFile.shape.name.safeParse(short).success ? short : undefined;
}
