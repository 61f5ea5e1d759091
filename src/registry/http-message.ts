// A request to a registry and its answer, as the transport (registry-transport.ts) and the socket
// layer (send-http.ts) both see them.

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** Absolute URL, or a path starting with `/` on the registry's endpoint. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** This try's whole-request deadline, when shorter than the configured one (a look-up's rest). */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}
