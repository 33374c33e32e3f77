/**
 * Plain facts of a service's PostgreSQL database, kept apart from service-postgres.ts so that code
 * that only needs them (the Copilot migration) does not load the construct library's RDS module at
 * every command's start (about 60 ms).
 */

/** The database every service's instance is created with (`PGDATABASE`). */
export const DATABASE_NAME = 'app';

/** Days of automated backups (point-in-time recovery): RDS allows 0 to 35. */
export const BACKUP_DAYS = { unprotected: 7, protected: 35 } as const;
