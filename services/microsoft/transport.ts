import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { GRAPH_HOST, LOGIN_HOST } from './hosts.ts';

/** A request for a host we never talk to: refused before any socket opens. */
export class TransportRefusedError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`refused to send a Microsoft request to ${safeOrigin(url)}: ${reason}`);
    this.name = 'TransportRefusedError';
  }
}

/** What a response looked like, for callers that count throttling (never bodies). */
export type ResponseObserver = (response: { status: number; headers: Record<string, string> }) => void;

/**
 * The transport contract: every Microsoft request leaves through here. With a simulator URL,
 * https://login.microsoftonline.com/* goes to `${sim}/login/*` and https://graph.microsoft.com/*
 * to `${sim}/graph/*` (same path and query); without one, to the real hosts. Anything else throws.
 */
export interface MicrosoftTransport {
  readonly simulatorUrl: string | undefined;
  resolve(url: string): string;
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** MSAL `system.networkClient`. */
  msalNetworkClient(observe?: ResponseObserver): INetworkModule;
  /** The LAST middleware of a Graph client chain (a new instance per client). */
  graphMiddleware(signal?: AbortSignal): Middleware;
}

const prefixes: Record<string, string> = { [LOGIN_HOST]: '/login', [GRAPH_HOST]: '/graph' };

export function isLoopbackUrl(value: string): boolean {
  try {
    const { hostname } = new URL(value);
    return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparseable url)';
  }
}

export function createTransport(options: { simulatorUrl?: string | undefined; timeoutMs: number }): MicrosoftTransport {
  const simulator = options.simulatorUrl?.replace(/\/+$/, '');
  if (simulator !== undefined && !isLoopbackUrl(simulator)) {
    throw new TransportRefusedError(simulator, 'the Microsoft simulator must be a loopback URL');
  }
  const resolve = (url: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TransportRefusedError(url, 'not an absolute URL');
    }
    const prefix = prefixes[parsed.hostname];
    if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username !== '' || prefix === undefined) {
      throw new TransportRefusedError(url, `only https://${LOGIN_HOST} and https://${GRAPH_HOST} are allowed`);
    }
    return simulator === undefined ? parsed.toString() : `${simulator}${prefix}${parsed.pathname}${parsed.search}`;
  };
  const send = async (url: string, init?: RequestInit): Promise<Response> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(resolve(url), { ...init, signal, redirect: 'manual' });
  };
  return {
    simulatorUrl: simulator,
    resolve,
    fetch: send,
    msalNetworkClient: (observe) => msalNetworkClient(send, observe),
    graphMiddleware: (signal) => ({
      execute: async (context: Context) => {
        const url = typeof context.request === 'string' ? context.request : context.request.url;
        const init = { ...(context.options as RequestInit | undefined), ...(signal ? { signal } : {}) };
        context.response = await send(url, init);
      },
    }),
  };
}

function msalNetworkClient(send: (url: string, init?: RequestInit) => Promise<Response>, observe?: ResponseObserver): INetworkModule {
  const request = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await send(url, { method, ...(options?.headers ? { headers: options.headers } : {}), ...(method === 'POST' ? { body: options?.body ?? '' } : {}) });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    observe?.({ status: response.status, headers });
    const text = await response.text();
    let body: T;
    try {
      body = (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      // Same contract as MSAL's own HttpClient: a non-JSON body is a parse failure, not a token.
      throw new Error(`Failed to parse response from the token endpoint (HTTP ${response.status})`);
    }
    return { status: response.status, headers, body };
  };
  return {
    sendGetRequestAsync: (url, options) => request('GET', url, options),
    sendPostRequestAsync: (url, options) => request('POST', url, options),
  };
}
