/** A few rows in every table of the user's schemas, so that a verification compares data too and a rewrite that
 *  only works on empty tables shows. The values are the same on every run and line up across tables (row i has the
 *  number i, the text 'sample i', the uuid md5(i), ...), so a foreign key usually finds its parent; a row a table
 *  refuses (a CHECK, a key it cannot meet) is left out, and the tables are tried again until nothing more goes in. */
export function sampleRowsSql(rows = 3): string {
  return `DO $pgsafe$
DECLARE
  tab record; col record; cols text; vals text; added int; filled boolean;
BEGIN
  FOR pass IN 1..3 LOOP
    added := 0;
    FOR tab IN SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
             ORDER BY n.nspname, c.relname LOOP
      EXECUTE format('SELECT EXISTS (SELECT FROM %s)', tab.rel) INTO filled;
      CONTINUE WHEN filled;
      FOR i IN 1..${rows} LOOP
        cols := ''; vals := '';
        FOR col IN SELECT a.attname, a.atttypid, ty.typtype, ty.typcategory, format_type(a.atttypid, a.atttypmod) AS type, d.adbin IS NOT NULL AS has_default, a.attidentity, a.attgenerated
                 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = tab.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LOOP
          CONTINUE WHEN col.attgenerated <> '' OR col.attidentity = 'a' OR col.has_default;
          cols := cols || CASE WHEN cols = '' THEN '' ELSE ', ' END || quote_ident(col.attname);
          vals := vals || CASE WHEN vals = '' THEN '' ELSE ', ' END || CASE
            WHEN col.typtype = 'e' THEN quote_literal((SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = col.atttypid ORDER BY e.enumsortorder LIMIT 1)) || '::' || col.type
            WHEN col.typcategory = 'N' THEN i::text || '::' || col.type
            WHEN col.typcategory = 'B' THEN 'true'
            WHEN col.typcategory = 'D' THEN quote_literal('2020-01-0' || i) || '::' || col.type
            WHEN col.typcategory = 'A' THEN quote_literal('{}') || '::' || col.type
            WHEN col.type = 'uuid' THEN quote_literal(md5(i::text)::uuid) || '::uuid'
            WHEN col.type IN ('json', 'jsonb') THEN quote_literal('{}') || '::' || col.type
            WHEN col.typcategory = 'S' THEN quote_literal('sample ' || i) || '::' || col.type
            ELSE 'NULL' END;
        END LOOP;
        BEGIN
          IF cols = '' THEN EXECUTE format('INSERT INTO %s DEFAULT VALUES', tab.rel);
          ELSE EXECUTE format('INSERT INTO %s (%s) VALUES (%s)', tab.rel, cols, vals); END IF;
          added := added + 1;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
      END LOOP;
    END LOOP;
    EXIT WHEN added = 0;
  END LOOP;
END $pgsafe$;`;
}
