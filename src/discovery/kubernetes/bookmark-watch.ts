// client-node's Watch with the three things the informer does not offer:
//  - bookmarks requested (allowWatchBookmarks=true), so a quiet watch still
//    advances its resourceVersion and a reconnect rarely needs a relist;
//  - the quiet-watch timeout (30 s in client-node) made configurable, so
//    tests of a stalled API server do not wait for real time;
//  - a hook that sees every event, so the supervisor knows the watch is
//    healthy (and can reset its backoff) even when only bookmarks flow, and
//    a catch on the informer's event handler, whose rejected promise would
//    otherwise be an unhandled rejection (invariant 9, docs/design.md); and a hook told when
//    a watch is open again, so recovery after an outage can be reported.
// It also hands the informer a converted object (see InformerSupervisor's
// CachedObject), and refuses to open a watch once closed: the informer starts a watch
// after a list that finished while it was being stopped.
//
// With `accept`, its requests carry that Accept header (a metadata-only
// watch asks for PartialObjectMetadata). Watch offers no header option; it
// builds each request's headers with its config's
// applySecurityAuthentication, so the header is added there, after the
// credentials.

import { Watch, type KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/** A view of `config` whose requests also carry `accept` as their Accept header. */
function withAcceptHeader(config: KubeConfig, accept: string): KubeConfig {
  const view = Object.create(config) as KubeConfig;
  view.applySecurityAuthentication = async (context: RequestContext) => {
    await config.applySecurityAuthentication(context);
    context.setHeaderParam('Accept', accept);
  };
  return view;
}

export interface WatchEventHooks {
  /** Called for every event line, before the informer sees it. */
  onEvent(type: string, object: unknown): void;
  /**
   * Replaces an ADDED/MODIFIED/DELETED object before the informer sees it
   * (to cache a compact form); undefined drops the event.
   */
  convert(object: unknown): unknown;
  /** Called when the informer's own handling of an event failed. */
  onHandlerError(error: unknown): void;
  /** Called when the API server has answered a watch request with its stream (the watch is open). */
  onOpen(): void;
}

export class BookmarkWatch extends Watch {
  private closed = false;

  constructor(
    config: KubeConfig,
    private readonly hooks: WatchEventHooks,
    quietTimeoutMs: number,
    accept?: string,
  ) {
    super(accept === undefined ? config : withAcceptHeader(config, accept));
    // requestTimeoutMs is private in the typings but is the only knob for
    // the inactivity timeout; it is read on every watch() call.
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = quietTimeoutMs;
  }

  close(): void {
    this.closed = true;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.closed) {
      const controller = new AbortController();
      controller.abort();
      return controller;
    }
    const guarded = (phase: string, apiObj: unknown, watchObj?: unknown): void => {
      try {
        this.hooks.onEvent(phase, apiObj);
        let object = apiObj;
        if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
          object = this.hooks.convert(apiObj);
          if (object === undefined) return;
        }
        const result: unknown = callback(phase, object, watchObj);
        if (result instanceof Promise) result.catch((error: unknown) => this.hooks.onHandlerError(error));
      } catch (error) {
        this.hooks.onHandlerError(error);
      }
    };
    const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, guarded, done);
    // super.watch resolves once the response's headers are in: the watch is open.
    try {
      this.hooks.onOpen();
    } catch (error) {
      this.hooks.onHandlerError(error);
    }
    return controller;
  }
}
