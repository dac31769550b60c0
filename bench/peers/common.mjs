// Shared by the Node.js peers: load packages from bench/.peers, print the canonical text.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
export const requirePeer = createRequire(path.join(here, "..", ".peers", "package.json"));

export function usage(name) {
  const [job, file] = process.argv.slice(2);
  if (!["survey", "orders"].includes(job) || !file) {
    process.stderr.write(`usage: node bench/peers/${name} survey|orders FILE [--services]\n`);
    process.exit(64);
  }
  return { job, file, services: process.argv.includes("--services"), jsonLines: file.endsWith(".jsonl") };
}

const f6 = (x) => (Number.isFinite(x) ? x.toFixed(6) : "null");

// rows: [{region, nps_n, promoters, detractors, csat_n, satisfied, ces_n, ces_sum}] with plain numbers
export function surveyText(rows) {
  const tot = { nps_n: 0, promoters: 0, detractors: 0, csat_n: 0, satisfied: 0, ces_n: 0, ces_sum: 0 };
  for (const r of rows) for (const k of Object.keys(tot)) tot[k] += r[k];
  const line = (r) =>
    `nps=${f6((100 * (r.promoters - r.detractors)) / r.nps_n)};nps_n=${r.nps_n};` +
    `csat=${f6((100 * r.satisfied) / r.csat_n)};csat_n=${r.csat_n};` +
    `ces=${f6(r.ces_sum / r.ces_n)};ces_n=${r.ces_n}`;
  const out = [line(tot)];
  const sorted = [...rows].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  for (const r of sorted) out.push(`region=${r.region};${line(r)}`);
  return out.join("\n") + "\n";
}

// o: {customers, repeat, orders, revenue_cents (BigInt), services_pairs (or undefined)}
export function ordersText(o) {
  const customers = Number(o.customers), orders = Number(o.orders);
  let s =
    `rpr=${f6((100 * Number(o.repeat)) / customers)};customers=${customers};` +
    `repeat=${Number(o.repeat)};orders=${orders};aov=${f6(Number(o.revenue_cents) / 100 / orders)}`;
  if (o.services_pairs !== undefined) s += `;services=${f6(Number(o.services_pairs) / customers)}`;
  return s + "\n";
}
