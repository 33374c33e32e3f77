import { sep } from 'node:path';

/**
 * Instance options that keep DuckDB from fetching or loading extensions on its own: `INSTALL`
 * would download from extensions.duckdb.org, and a known function (`read_json` on an https URL)
 * would otherwise install and load `httpfs` silently. The extensions the queries use (json, parquet,
 * core functions) are built into @duckdb/node-api's binding. DuckDB "Securing DuckDB" guide.
 */
export const CONFINED_INSTANCE_OPTIONS: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  allow_unsigned_extensions: 'false',
};

/**
 * Statements that confine a DuckDB connection's instance to one folder, run after the views over
 * it exist and before any SQL the user wrote. With `enable_external_access = false` DuckDB refuses
 * every file, URL and extension directory outside `allowed_directories` (COPY TO, ATTACH,
 * read_csv('/etc/passwd'), glob, INSTALL, LOAD); `lock_configuration` then forbids changing any
 * setting back. Both settings exist since DuckDB 1.2 (checked on 1.5.6).
 *
 * @param folder absolute path of the data folder; a separator is appended so that `/data`
 *   does not also allow `/data2`
 */
export function confineTo(folder: string): string[] {
  const dir = folder.endsWith(sep) ? folder : `${folder}${sep}`;
  return [
    `SET allowed_directories = ['${dir.replace(/'/g, "''")}']`,
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  ];
}
