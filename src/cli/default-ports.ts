// The ports serve listens on unless told otherwise, and the ones the other
// commands reach it on by default.

/** The control plane's gRPC port: lookaside.v1, xDS, health and reflection. */
export const DEFAULT_PORT = 50051;
/** The port OpenTelemetry's Prometheus exporter uses; free of gRPC's usual ports. */
export const DEFAULT_METRICS_PORT = 9464;
