// What the k6 script `faultline export k6` writes (harness/export/k6/template/script.ts) records for
// `faultline check`, and how: the one contract between the two. The template cannot import this file (k6 runs
// it alone), so the names are repeated there; test/import/k6-vocabulary.test.ts checks they match.
//
// k6's JSON output (`k6 run --out json=results.json`, or `results.json.gz`) is one JSON object per line: a
// `{"type":"Metric", "metric": name, "data": {type, contains, thresholds, submetrics}}` line the first time a
// metric is seen, and one `{"type":"Point", "metric": name, "data": {time, value, tags, metadata?}}` line per
// sample (https://grafana.com/docs/k6/latest/results-output/real-time/json/). The script adds two metrics:
//
//   faultline_run      Counter, one point from setup(): the script's declaration (format, scenario, seed, and what
//                      faultline's card network does that the script does not)
//   faultline_request  Trend (time), one point per request sent: the value is its latency from the intended
//                      send time (no coordinated omission); the tags and metadata say what it was and what came back
//
// Tags vs metadata (the cardinality trade-off). Every distinct set of tag values is a time series to k6 (k6 ≥ 0.41
// keeps them for the whole test, and outputs such as Prometheus remote write or InfluxDB index them), so a tag
// holding a request id would make one series per request. faultline_request's tags hold only bounded values
// (kind, HTTP status, decision, k6 error code: a few dozen series in all); everything unique to one request (its
// id, account, amount, card last four, times, the decline reason and the failure's hop) rides in the sample's
// metadata, which k6 does not index (k6 ≥ 0.45; the JSON output writes it as `data.metadata`). The script sets
// it on the VU just before the sample and removes it just after, so no other metric carries it. `faultline
// check` reads a field from the metadata, else from the tags: a script that tags everything (older k6) still
// reads, at the cost of a series per request in k6 itself.

/** The declaration format this faultline reads. */
export const K6_FORMAT = 'faultline.k6/1';

export const REQUEST_METRIC = 'faultline_request';
export const RUN_METRIC = 'faultline_run';
/** k6's own count of iterations it could not start (no free VU): requests never sent. */
export const DROPPED_METRIC = 'dropped_iterations';

/** What one faultline_request point may carry (tags or metadata). Values are strings, as k6 writes them. */
export const REQUEST_FIELDS = {
  // Tags: bounded values only.
  kind: 'authorization | reversal | balance | feed',
  status: 'HTTP status of the answer, 0 when there was none',
  decision: 'authorizations answered by the issuer: approved | declined',
  error_code: "k6's error code when there was no answer (1050 request timeout, 1212 connection refused, …)",
  // Metadata: per request.
  id: 'the request id (authorization id, reversal id, or the app read id)',
  account: 'the account id',
  amount: 'integer minor units (authorizations and reversals)',
  currency: 'ISO 4217 (authorizations and reversals)',
  last4: "the card's last four digits (authorizations; never a card number)",
  token: "the card's network token (declined authorizations: what a card_mismatch is judged by)",
  authorization_id: 'reversals: the authorization reversed',
  start: 'epoch ms at which the k6 scenario started (exec.scenario.startTime): t = 0',
  sent: 'ms from t = 0 to the actual send',
  intended: 'ms from t = 0 to the scheduled send (constant-arrival-rate only; absent when k6 cannot tell)',
  reason: "authorizations: the issuer's reason (ok or a decline reason)",
  result: 'reversals: the result the issuer answered',
  attempts: 'ledger attempts the processor reported',
  hop: 'a 5xx answer naming the hop that failed',
  cause: 'a 5xx answer naming why it failed',
} as const;
export type RequestField = keyof typeof REQUEST_FIELDS;

/** The tags of the faultline_run declaration point. */
export const RUN_FIELDS = {
  format: K6_FORMAT,
  // Not `scenario`: k6 tags every sample with its own scenario's name under that key.
  faultline_scenario: 'the scenario name the script was exported from',
  faultline_seed: "the scenario's seed",
  standin: 'none: the script has no card-network stand-in',
  advices: 'none: the script sends no stand-in advices',
  timeout_reversals: 'none: the script sends no timeout reversals',
  conflicting_retries: 'none: the script sends no conflicting retries',
  intended: 'scheduled (each request carries its scheduled send time) | none',
} as const;
export type RunField = keyof typeof RUN_FIELDS;

/** Request kinds the script sends. */
export const K6_KINDS = ['authorization', 'reversal', 'balance', 'feed'] as const;
export type K6Kind = (typeof K6_KINDS)[number];
