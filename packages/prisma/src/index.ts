/** @pgsafe/prisma: `pgsafe prisma migrate deploy|dev` for Prisma 7, and the pieces they are made of. */
export { prismaCommand, migrateDeployCommand, migrateDevCommand } from './command.js';
export { deploy, type DeployOptions, type DeployResult } from './deploy.js';
export { migrateDev } from './dev.js';
export { loadProject, ProjectError, type PrismaProject } from './project.js';
export { listMigrations, checksum, checksumMatches, type MigrationDir } from './migrations.js';
export { Bookkeeping, PRISMA_ADVISORY_LOCK_KEY, PrismaMigrateError, type MigrationRow } from './bookkeeping.js';
export { runPrisma, prismaBinary } from './passthrough.js';
export { pgTarget } from './url.js';
