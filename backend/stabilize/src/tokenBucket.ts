/** A token bucket: `rate` tokens a second, holding at most `burst`; one request takes one token. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number = Math.max(1, rate),
    now: number = Date.now(),
  ) {
    this.tokens = this.burst;
    this.last = now;
  }

  /** Takes a token if there is one; otherwise says how many seconds until there will be. */
  take(now: number = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.rate)) };
  }
}
