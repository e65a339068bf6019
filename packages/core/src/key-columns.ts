import type { ColumnDef } from '@pgsql/types';
import { as } from './ast.js';

/** Columns that hold keys: primary keys, identities, serials, `id` and `*_id` (where running out of values hurts). */
export function isKeyColumn(name: string, def: ColumnDef): boolean {
  if (name === 'id' || name.endsWith('_id') || /^[a-z]+Id$/.test(name)) return true;
  return (def.constraints ?? []).some((c) => {
    const t = as(c, 'Constraint')?.contype;
    return t === 'CONSTR_PRIMARY' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_FOREIGN';
  });
}
