import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { writeEstate } from './estate-files';

/** The problems of an estate written from these files (none when it loads); other errors are thrown. */
export function estateProblems(files: Readonly<Record<string, string>>): readonly Problem[] {
  try {
    loadEstate(writeEstate(files));
    return [];
  } catch (e) {
    if (e instanceof EstateError) return e.problems;
    throw e;
  }
}
