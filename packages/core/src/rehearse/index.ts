export { rehearse, RehearseError, type RehearseOptions, type RehearseResult, type RehearsedTable } from './rehearse.js';
export { findPgDumps, choosePgDump, PgDumpError, type PgDumpBinary } from './pg-dump.js';
