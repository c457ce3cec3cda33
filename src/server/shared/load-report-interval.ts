// How often clients are asked to send load reports: one setting
// (`--load-report-interval`) for both faces, LRS (xDS clients) and
// lookaside.v1 ReportLoad (the Node client).

/** How often clients report unless the control plane is told otherwise. */
export const DEFAULT_LOAD_REPORT_INTERVAL_MS = 10_000;
/** Bounds of --load-report-interval. */
export const MIN_LOAD_REPORT_INTERVAL_MS = 100;
export const MAX_LOAD_REPORT_INTERVAL_MS = 10 * 60_000;
