/**
 * Jira Cloud's burst API rate limit (https://developer.atlassian.com/cloud/jira/platform/rate-limiting,
 * "Burst API Rate Limit"): per tenant, one token bucket per endpoint and HTTP method, for every caller
 * of the site (apps and API tokens alike: "API token-based traffic … will continue to be governed by
 * existing burst rate limits").
 *
 * > Each API request consumes one token from that endpoint's bucket. … Buckets automatically refill at
 * > the steady-state rate. If the bucket is below its maximum capacity, a set number of tokens is added
 * > back every second until it reaches its maximum capacity.
 *
 * Default steady-state rates: GET 100, POST 100, PUT 50, DELETE 50 requests per second, with the
 * page's endpoint overrides for the endpoints the sandbox serves (`ENDPOINT_RATES`). The page does not
 * give bucket sizes ("e.g., 100 tokens" beside "10 requests/second" is an example): the sandbox's
 * bucket holds one second of the steady-state rate, no burst buffer beyond it (the harsher reading).
 * Tokens come back a second's worth at a time, once per whole second since the last refill, as the
 * page words it (harsher than a continuous refill).
 */

export type BurstMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export const METHOD_RATES: Readonly<Record<BurstMethod, number>> = { GET: 100, POST: 100, PUT: 50, DELETE: 50 };

/** the page's "custom limits", for the routes of this site (its `/api/{version}/…` is `/rest/api/3/…`) */
export const ENDPOINT_RATES: Readonly<Record<string, number>> = {
  'GET /rest/api/3/issue/{issueIdOrKey}': 150,
  'GET /rest/api/3/issue/{issueIdOrKey}/changelog': 200,
  'GET /rest/api/3/user': 150,
  'POST /rest/api/3/search/approximate-count': 150,
};

export interface BurstConfig {
  perMethod: Readonly<Record<BurstMethod, number>>;
  perEndpoint: Readonly<Record<string, number>>;
  /** bucket size, in seconds of the steady-state rate */
  bucketSeconds: number;
  /** multiplies every rate */
  scale: number;
}

export type BurstVerdict =
  | { ok: true; limit: number; remaining: number }
  | { ok: false; limit: number; retryAt: number };

interface Bucket {
  tokens: number;
  /** epoch ms of the last refill */
  refilledAt: number;
}

export class BurstBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: BurstConfig) {}

  /** requests per second allowed for "METHOD /template" */
  rate(endpoint: string): number {
    const method = endpoint.slice(0, endpoint.indexOf(' '));
    const base = this.config.perEndpoint[endpoint] ?? (isBurstMethod(method) ? this.config.perMethod[method] : this.config.perMethod.GET);
    return Math.max(1, Math.floor(base * this.config.scale));
  }

  /** takes one token for "METHOD /template", or says when the next one comes */
  take(endpoint: string, now: number): BurstVerdict {
    const rate = this.rate(endpoint);
    const capacity = Math.max(1, Math.floor(rate * this.config.bucketSeconds));
    let bucket = this.buckets.get(endpoint);
    if (bucket === undefined) {
      bucket = { tokens: capacity, refilledAt: now };
      this.buckets.set(endpoint, bucket);
    }
    if (now > bucket.refilledAt) {
      const seconds = Math.floor((now - bucket.refilledAt) / 1000);
      if (seconds > 0) {
        bucket.tokens = Math.min(capacity, bucket.tokens + seconds * rate);
        bucket.refilledAt += seconds * 1000;
      }
    } else if (now < bucket.refilledAt) {
      bucket.refilledAt = now; // a clock set back: start counting from here
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true, limit: rate, remaining: Math.floor(bucket.tokens) };
    }
    return { ok: false, limit: rate, retryAt: bucket.refilledAt + 1000 };
  }
}

function isBurstMethod(method: string): method is BurstMethod {
  return method === 'GET' || method === 'POST' || method === 'PUT' || method === 'DELETE';
}
