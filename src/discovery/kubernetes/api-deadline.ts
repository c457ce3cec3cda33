// A deadline for one request of the generated API client: the request's own
// abort signal, so fetch gives up at the deadline and no socket is left
// waiting on an API server that does not answer (invariant 10,
// docs/design.md). The object-parameter APIs take client-node's Observable
// middleware (its own small stand-in for rxjs), appended after the client's
// own; `headers` are set the same way (a patch's Content-Type).

import { Observable, type ConfigurationOptions, type ObservableMiddleware, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

export interface DeadlineOptions {
  readonly options: ConfigurationOptions<ObservableMiddleware>;
  readonly signal: AbortSignal;
}

export function withDeadline(timeoutMs: number, headers: Readonly<Record<string, string>> = {}): DeadlineOptions {
  const signal = AbortSignal.timeout(timeoutMs);
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      for (const [key, value] of Object.entries(headers)) context.setHeaderParam(key, value);
      return new Observable(Promise.resolve(context));
    },
    post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
  };
  return { options: { middleware: [middleware], middlewareMergeStrategy: 'append' }, signal };
}
