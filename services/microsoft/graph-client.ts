import { AuthenticationHandler, Client, GraphError, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { classifyGraphError } from './classify.ts';
import { GRAPH_ORIGIN } from './hosts.ts';
import type { MicrosoftTransport } from './transport.ts';
import { contract, fillTemplate, type ContractItem, type ContractKey, type ContractParams, type ContractResponse, type PagedContractKey } from './contracts/index.ts';

export interface TokenSource {
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

/** What this client saw, for reports ("Graph throttled 2 requests"). */
export interface GraphStats { requests: number; throttled: number; unavailable: number; retries: number }

export interface GraphCallOptions {
  /** Merged over the contract's query (e.g. {$top: '1'} for a probe). */
  query?: Record<string, string>;
  body?: unknown;
}

export interface GraphPageOptions extends GraphCallOptions {
  /** Resume from a nextLink or deltaLink an earlier iteration returned (e.g. groups delta). */
  startAt?: string;
}

export interface GraphPage<T> { items: T[]; nextLink?: string; deltaLink?: string }

/** The one way to call Microsoft Graph: by contract key, validated by the contract's schema. */
export interface GraphClient {
  call<K extends ContractKey>(key: K, params: ContractParams<K>, options?: GraphCallOptions): Promise<ContractResponse<K>>;
  /** One page at a time (memory bounded by the page size), following @odata.nextLink. */
  pages<K extends PagedContractKey>(key: K, params: ContractParams<K>, options?: GraphPageOptions): AsyncIterable<GraphPage<ContractItem<K>>>;
  readonly stats: Readonly<GraphStats>;
}

export interface GraphClientOptions {
  transport: MicrosoftTransport;
  tokens: TokenSource;
  /** Retries of 429/503/504 (Graph's RetryHandler); a Retry-After above maxDelaySeconds stops retrying. */
  retry: { maxRetries: number; maxDelaySeconds: number };
  signal?: AbortSignal;
  logger?: Logger;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const stats: GraphStats = { requests: 0, throttled: 0, unavailable: 0, retries: 0 };
  const shouldRetry = (_delay: number, attempt: number, _request: unknown, _init: unknown, response: Response) => {
    const retryAfter = Number(response.headers.get('retry-after') ?? '0');
    if (Number.isFinite(retryAfter) && retryAfter > options.retry.maxDelaySeconds) return false;
    stats.retries += 1;
    options.logger?.debug({ status: response.status, retryAfter, attempt: attempt + 1 }, 'graph request retried');
    return true;
  };
  const auth = new AuthenticationHandler({ getAccessToken: () => options.tokens.getAccessToken() });
  const retry = new RetryHandler(new RetryHandlerOptions(1, options.retry.maxRetries, shouldRetry));
  const observe: Middleware & { next?: Middleware } = {
    setNext(next) {
      this.next = next;
    },
    async execute(context: Context) {
      stats.requests += 1;
      await this.next?.execute(context);
      const status = context.response?.status;
      if (status === 429) stats.throttled += 1;
      if (status === 503 || status === 504) stats.unavailable += 1;
    },
  };
  auth.setNext(retry);
  retry.setNext(observe);
  observe.setNext?.(options.transport.graphMiddleware(options.signal));
  const client = Client.initWithMiddleware({ middleware: auth, debugLogging: false });

  const request = async (key: ContractKey, url: string, callOptions?: GraphCallOptions): Promise<unknown> => {
    const spec = contract(key);
    const send = () => {
      const api = client.api(url);
      if (spec.method === 'GET') return api.get();
      if (spec.method === 'POST') return api.post(callOptions?.body);
      if (spec.method === 'PATCH') return api.patch(callOptions?.body);
      return api.delete();
    };
    try {
      try {
        return await send();
      } catch (error) {
        // A rejected token is retried once with a fresh one (provider-taxonomy: provider_token_invalid).
        if (!(error instanceof GraphError) || classifyGraphError(error).code !== 'provider_token_invalid') throw error;
        await options.tokens.getAccessToken({ forceRefresh: true });
        return await send();
      }
    } catch (error) {
      const classified = error instanceof GraphError ? classifyGraphError(error) : { code: 'provider_network_error' as const, detail: { source: 'network' } };
      throw new AppError(classified.code, undefined, { detail: { ...classified.detail, contract: key }, cause: error, message: `graph ${key} failed: ${classified.code}` });
    }
  };

  const validate = <K extends ContractKey>(key: K, body: unknown): ContractResponse<K> => {
    const parsed = contract(key).response.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new AppError('provider_unknown', 'Microsoft Graph returned a response of an unexpected shape.', { detail: { contract: key, issues } });
    }
    return parsed.data as ContractResponse<K>;
  };

  const call = async <K extends ContractKey>(key: K, params: ContractParams<K>, callOptions?: GraphCallOptions) => {
    if (callOptions?.body !== undefined) {
      const body = contract(key).body?.safeParse(callOptions.body);
      if (body && !body.success) throw new AppError('invalid_input', `The request body for ${key} is not valid.`, { detail: { contract: key } });
    }
    return validate(key, await request(key, contractUrl(key, params as Record<string, string>, callOptions?.query), callOptions));
  };

  async function* pages<K extends PagedContractKey>(key: K, params: ContractParams<K>, callOptions?: GraphPageOptions): AsyncIterable<GraphPage<ContractItem<K>>> {
    let url: string | undefined = callOptions?.startAt ?? contractUrl(key, params as Record<string, string>, callOptions?.query);
    while (url) {
      options.signal?.throwIfAborted();
      const page = validate(key, await request(key, url)) as { value: ContractItem<K>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      url = page['@odata.nextLink'];
      yield { items: page.value, ...(url ? { nextLink: url } : {}), ...(page['@odata.deltaLink'] ? { deltaLink: page['@odata.deltaLink'] } : {}) };
    }
  }

  return { call, pages, stats };
}

/** The absolute Graph URL of a contract call (the transport maps it onto the simulator). */
export function contractUrl(key: ContractKey, params: Record<string, string>, overrides?: Record<string, string>): string {
  const spec = contract(key);
  const query = Object.entries({ ...spec.query, ...overrides })
    .map(([name, value]) => `${name}=${encodeURIComponent(fillTemplate(value, params, (v) => v.replaceAll("'", "''")))}`)
    .join('&');
  return `${GRAPH_ORIGIN}/${spec.apiVersion}${fillTemplate(spec.path, params, encodeURIComponent)}${query ? `?${query}` : ''}`;
}
