/**
 * Plain facts of a service's PostgreSQL database, kept apart from service-postgres.ts so that code
 * that only needs them (the Copilot migration) does not load the construct library's RDS module at
 * every command's start (about 60 ms), and from the manifest schema so that the stacks that build
 * databases do not load the schema library (the plan's builder thread, estate/builder.ts).
 */

/** PostgreSQL majors built: both offered by RDS and Aurora and by aws-cdk-lib 2.276's engine versions. */
export const POSTGRES_VERSIONS = ['16', '17'] as const;

/** The major a database gets when the manifest names none. */
export const DEFAULT_POSTGRES_VERSION = '17';

/** The database every service's instance is created with (`PGDATABASE`). */
export const DATABASE_NAME = 'app';

/** Days of automated backups (point-in-time recovery): RDS allows 0 to 35. */
export const BACKUP_DAYS = { unprotected: 7, protected: 35 } as const;
