import { describe, expect, it } from 'vitest';
import { estateNameFrom } from '../../src/cli/estate-name';
import { estateFile } from '../../src/manifest/schema';

describe('estateNameFrom', () => {
  it('makes a valid estate name of a folder name', () => {
    expect(estateNameFrom('justice')).toBe('justice');
    expect(estateNameFrom('Justice_Digital')).toBe('justice-digital');
    expect(estateNameFrom('2024 Prisons')).toBe('prisons');
    expect(estateNameFrom('Café Services')).toBe('cafe-services');
    expect(estateNameFrom('my-estate-')).toBe('my-estate');
  });

  it('cuts a long name after its last whole word that fits in 20 characters', () => {
    expect(estateNameFrom('HMPPS Digital Prison Services')).toBe('hmpps-digital-prison');
    expect(estateNameFrom('a-team-estate-digital-2024')).toBe('a-team-estate');
    expect(estateNameFrom('supercalifragilisticexpialidocious')).toBe('supercalifragilistic');
  });

  it('gives none when nothing valid remains', () => {
    for (const folder of ['2024', '_', '---', '日本']) expect(estateNameFrom(folder)).toBeUndefined();
  });

  it('gives only names the schema accepts', () => {
    for (const folder of ['x', 'A1-B2', 'a--b', 'z'.repeat(40), '9lives', 'Ünïcödé ñame', 'a.b.c', 'x-1234567890123456789-y']) {
      const name = estateNameFrom(folder);
      if (name !== undefined) expect(estateFile.shape.name.safeParse(name).success, `${folder} → ${name}`).toBe(true);
    }
  });
});
