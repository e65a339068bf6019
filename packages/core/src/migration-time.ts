/** When a migration was written, from the timestamp its runner's name starts with (Prisma, golang-migrate, goose:
 *  `20240111144844_name`; diesel: `2024-01-11-144844_name`); undefined for other names (versions, sequence numbers). */
export function migrationTime(name: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[-_]?(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
