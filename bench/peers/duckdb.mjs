// DuckDB peer (@duckdb/node-api): the survey and orders jobs in SQL, one scan each.
// node bench/peers/duckdb.mjs survey|orders FILE [--services]   (FILE.jsonl: the survey as JSON Lines)
import { requirePeer, usage, surveyText, ordersText } from "./common.mjs";

const { job, file, services, jsonLines } = usage("duckdb.mjs");
const { DuckDBInstance } = requirePeer("@duckdb/node-api");
const instance = await DuckDBInstance.create(":memory:");
const con = await instance.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

if (job === "survey") {
  const columns = `{'response_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'submitted_at': 'VARCHAR',
                   'region': 'VARCHAR', 'channel': 'VARCHAR', 'nps_score': 'INTEGER',
                   'csat_score': 'INTEGER', 'ces_score': 'INTEGER', 'comment': 'VARCHAR'}`;
  const surveySource = jsonLines
    ? `read_json(${lit(file)}, format = 'newline_delimited', columns = ${columns})`
    : `read_csv(${lit(file)}, header = true, delim = ',', quote = '"', escape = '"', columns = ${columns})`;
  const sql = `
    SELECT region,
      count(*) FILTER (WHERE nps_score BETWEEN 0 AND 10)  AS nps_n,
      count(*) FILTER (WHERE nps_score BETWEEN 9 AND 10)  AS promoters,
      count(*) FILTER (WHERE nps_score BETWEEN 0 AND 6)   AS detractors,
      count(*) FILTER (WHERE csat_score BETWEEN 1 AND 5)  AS csat_n,
      count(*) FILTER (WHERE csat_score BETWEEN 4 AND 5)  AS satisfied,
      count(*) FILTER (WHERE ces_score BETWEEN 1 AND 7)   AS ces_n,
      coalesce(sum(ces_score) FILTER (WHERE ces_score BETWEEN 1 AND 7), 0) AS ces_sum
    FROM ${surveySource}
    GROUP BY region`;
  const rows = (await con.runAndReadAll(sql)).getRowObjects().map((r) => {
    const o = { region: String(r.region) };
    for (const k of ["nps_n", "promoters", "detractors", "csat_n", "satisfied", "ces_n", "ces_sum"]) o[k] = Number(r[k]);
    return o;
  });
  process.stdout.write(surveyText(rows));
} else {
  const sql = `
    WITH per AS (
      SELECT customer_id, count(*) AS c, sum(amount) AS rev
             ${services ? ", count(DISTINCT service) AS s" : ""}
      FROM read_csv(${lit(file)}, header = true, delim = ',', quote = '"', escape = '"',
        columns = {'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'VARCHAR',
                   'amount': 'DECIMAL(18,2)', 'service': 'VARCHAR'})
      GROUP BY customer_id)
    SELECT count(*) AS customers, count(*) FILTER (WHERE c >= 2) AS repeat, sum(c) AS orders,
           CAST(sum(rev) * 100 AS HUGEINT) AS revenue_cents
           ${services ? ", sum(s) AS services_pairs" : ""}
    FROM per`;
  const r = (await con.runAndReadAll(sql)).getRowObjects()[0];
  process.stdout.write(ordersText({
    customers: r.customers, repeat: r.repeat, orders: r.orders,
    revenue_cents: BigInt(r.revenue_cents), services_pairs: services ? r.services_pairs : undefined,
  }));
}
