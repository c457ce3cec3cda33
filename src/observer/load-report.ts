// What a client reports of its calls, as both faces hand it on: the LRS
// service (xDS clients) and lookaside.v1 load reports (the Node client).
// The observer (src/observer/) aggregates them; the faces only translate.

/** One client's calls to one backend, or to a group of backends it counted as one. */
export interface LoadReportEntry {
  /** "name.namespace:port" (the xDS cluster name). */
  readonly cluster: string;
  /** The backends ("host:port") the calls went to; more than one: the client counted them as one group. */
  readonly backends: readonly string[];
  /** The group's name when backends.length > 1 (an xDS locality). */
  readonly group?: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly inProgress: number;
}

/** Who reported: a stream's client by protocol and id. */
export interface LoadReporter {
  readonly protocol: 'lookaside' | 'xds';
  /** The xDS node id or the lookaside.v1 client id. */
  readonly clientId: string;
  /** The stream the report came on, when it is one the observer tracks (a WatchServers stream). */
  readonly stream?: object;
  /**
   * The connection's peer address the report came on (lookaside.v1: the
   * control-plane channel that carries the client's WatchServers streams
   * too): only that client's streams on that connection are the reporter's.
   */
  readonly peer?: string;
}

export interface LoadReportHooks {
  /** A client's report, translated to backends. */
  readonly onLoadReport?: (reporter: LoadReporter, entries: readonly LoadReportEntry[]) => void;
  /**
   * A lookaside.v1 client reported the server list it applied for a target
   * ("name.namespace:port" as it watches it): the version and whether that
   * list said the service exists.
   */
  readonly onAppliedServerList?: (reporter: LoadReporter, target: string, version: string, exists: boolean) => void;
}
