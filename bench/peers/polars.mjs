// Polars peer (nodejs-polars): the survey and orders jobs as lazy queries, one scan each.
// node bench/peers/polars.mjs survey|orders FILE [--services]   (FILE.jsonl: the survey as JSON Lines)
import { requirePeer, usage, surveyText, ordersText } from "./common.mjs";

const { job, file, services, jsonLines } = usage("polars.mjs");
const pl = requirePeer("nodejs-polars");
const S = pl.Utf8, I = pl.Int32;

if (job === "survey") {
  const schema = { response_id: S, customer_id: S, submitted_at: S, region: S, channel: S,
                   nps_score: I, csat_score: I, ces_score: I, comment: S };
  const c = (name) => pl.col(name);
  const cnt = (name, lo, hi) => c(name).filter(c(name).gtEq(lo).and(c(name).ltEq(hi))).count();
  const scan = jsonLines ? pl.scanJson(file, { schema }) : pl.scanCSV(file, { schema });
  const df = scan
    .groupBy("region")
    .agg(
      cnt("nps_score", 0, 10).cast(pl.Float64).alias("nps_n"),
      cnt("nps_score", 9, 10).cast(pl.Float64).alias("promoters"),
      cnt("nps_score", 0, 6).cast(pl.Float64).alias("detractors"),
      cnt("csat_score", 1, 5).cast(pl.Float64).alias("csat_n"),
      cnt("csat_score", 4, 5).cast(pl.Float64).alias("satisfied"),
      cnt("ces_score", 1, 7).cast(pl.Float64).alias("ces_n"),
      c("ces_score").filter(c("ces_score").gtEq(1).and(c("ces_score").ltEq(7)))
        .cast(pl.Float64).sum().alias("ces_sum"),
    )
    .collectSync();
  process.stdout.write(surveyText(df.toRecords()));
} else {
  const schema = { order_id: S, customer_id: S, order_date: S, amount: pl.Float64, service: S };
  const per = [pl.len().alias("c"),
               pl.col("amount").mul(100).round(0).cast(pl.Int64).sum().alias("rev")];
  if (services) per.push(pl.col("service").nUnique().alias("s"));
  const tot = [pl.len().cast(pl.Float64).alias("customers"),
               pl.col("c").filter(pl.col("c").gtEq(2)).count().cast(pl.Float64).alias("repeat"),
               pl.col("c").cast(pl.Float64).sum().alias("orders"),
               pl.col("rev").sum().cast(pl.Utf8).alias("revenue_cents")];
  if (services) tot.push(pl.col("s").cast(pl.Float64).sum().alias("services_pairs"));
  const df = pl.scanCSV(file, { schema }).groupBy("customer_id").agg(...per).select(...tot).collectSync();
  const r = df.toRecords()[0];
  process.stdout.write(ordersText({ ...r, revenue_cents: BigInt(r.revenue_cents),
                                    services_pairs: services ? r.services_pairs : undefined }));
}
